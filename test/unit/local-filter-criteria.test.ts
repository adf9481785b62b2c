import { describe, expect, it } from 'vitest';
import { matchesAnyFilter, matchesPattern } from '../../local/filter-criteria.ts';

/** A Lambda-shaped stream record with a NewImage built from plain strings. */
const record = (eventName: string, image: Record<string, unknown>, oldImage?: Record<string, unknown>) => ({
  eventName,
  dynamodb: { NewImage: image, ...(oldImage ? { OldImage: oldImage } : {}), SequenceNumber: '100' },
});

describe('FilterCriteria matcher', () => {
  it('matches equality on eventName and a NewImage attribute', () => {
    const pattern = { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['MSG'] } } } };

    expect(matchesPattern(pattern, record('INSERT', { entity: { S: 'MSG' } }))).toBe(true);
    expect(matchesPattern(pattern, record('MODIFY', { entity: { S: 'MSG' } }))).toBe(false);
    expect(matchesPattern(pattern, record('INSERT', { entity: { S: 'CASE' } }))).toBe(false);
  });

  it('matches prefix and suffix', () => {
    const prefix = { dynamodb: { NewImage: { pk: { S: [{ prefix: 'NOTICE#' }] } } } };
    const suffix = { dynamodb: { NewImage: { pk: { S: [{ suffix: '#2023' }] } } } };

    expect(matchesPattern(prefix, record('INSERT', { pk: { S: 'NOTICE#n1' } }))).toBe(true);
    expect(matchesPattern(prefix, record('INSERT', { pk: { S: 'CASE#n1' } }))).toBe(false);
    expect(matchesPattern(suffix, record('INSERT', { pk: { S: 'SLOT#2023' } }))).toBe(true);
  });

  it('matches exists true and false, including a missing parent object', () => {
    const present = { dynamodb: { NewImage: { gsi1pk: { S: [{ exists: true }] } } } };
    const absent = { dynamodb: { OldImage: { status: { S: [{ exists: false }] } } } };

    expect(matchesPattern(present, record('INSERT', { gsi1pk: { S: 'DUE#MSG' } }))).toBe(true);
    expect(matchesPattern(present, record('INSERT', {}))).toBe(false);
    // An INSERT has no OldImage at all: "status does not exist" holds.
    expect(matchesPattern(absent, record('INSERT', {}))).toBe(true);
    expect(matchesPattern(absent, record('MODIFY', {}, { status: { S: 'OPEN' } }))).toBe(false);
  });

  it('matches anything-but with a value, a list and a prefix', () => {
    const one = { dynamodb: { NewImage: { status: { S: [{ 'anything-but': 'CANCELLED' }] } } } };
    const list = { dynamodb: { NewImage: { status: { S: [{ 'anything-but': ['SENT', 'CANCELLED'] }] } } } };
    const notPrefix = { dynamodb: { Keys: { pk: { S: [{ 'anything-but': { prefix: 'ORG' } }] } } } };

    expect(matchesPattern(one, record('MODIFY', { status: { S: 'QUEUED' } }))).toBe(true);
    expect(matchesPattern(one, record('MODIFY', { status: { S: 'CANCELLED' } }))).toBe(false);
    expect(matchesPattern(list, record('MODIFY', { status: { S: 'SENT' } }))).toBe(false);
    expect(matchesPattern(list, record('MODIFY', { status: { S: 'QUEUED' } }))).toBe(true);
    expect(matchesPattern(notPrefix, { dynamodb: { Keys: { pk: { S: 'ORG' } } } })).toBe(false);
    expect(matchesPattern(notPrefix, { dynamodb: { Keys: { pk: { S: 'MSG#1' } } } })).toBe(true);
    // anything-but never matches a missing field
    expect(matchesPattern(one, record('MODIFY', {}))).toBe(false);
  });

  it('treats DynamoDB numbers as strings, as AWS does: a numeric literal does not match N "5"', () => {
    const numeric = { dynamodb: { NewImage: { version: { N: [5] } } } };
    const text = { dynamodb: { NewImage: { version: { N: ['5'] } } } };

    expect(matchesPattern(numeric, record('INSERT', { version: { N: '5' } }))).toBe(false);
    expect(matchesPattern(text, record('INSERT', { version: { N: '5' } }))).toBe(true);
  });

  it('passes a record when any of several filters matches, and every record when there are none', () => {
    const filters = [
      { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['NOTICE'] } } } },
      { eventName: ['MODIFY'], dynamodb: { NewImage: { status: { S: ['RETURNED'] } } } },
    ];

    expect(matchesAnyFilter(filters, record('MODIFY', { status: { S: 'RETURNED' } }))).toBe(true);
    expect(matchesAnyFilter(filters, record('MODIFY', { status: { S: 'OPEN' } }))).toBe(false);
    expect(matchesAnyFilter([], record('REMOVE', {}))).toBe(true);
  });

  it('refuses syntax it does not implement instead of guessing', () => {
    expect(() => matchesPattern({ $or: [] }, record('INSERT', {}))).toThrow(/not supported/);
    expect(() => matchesPattern({ eventName: 'INSERT' }, record('INSERT', {}))).toThrow(/array/);
  });
});
