import type { AttributeValue } from 'aws-lambda';

/**
 * A DynamoDB stream image as plain values (S, N, BOOL, NULL, M, L, SS, NS). Numbers become JS numbers: the
 * items this reactor reads hold only small integers (version). Binary attributes are not used by the table.
 */
export function fromImage(image: Record<string, AttributeValue> | undefined): Record<string, unknown> | undefined {
  if (!image) return undefined;
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, fromAttribute(v)]));
}

function fromAttribute(v: AttributeValue): unknown {
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return Number(v.N);
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.NULL !== undefined) return null;
  if (v.M !== undefined) return fromImage(v.M);
  if (v.L !== undefined) return v.L.map(fromAttribute);
  if (v.SS !== undefined) return [...v.SS];
  if (v.NS !== undefined) return v.NS.map(Number);
  return undefined;
}
