import type { FunctionSpec } from '../../../functions/manifest.ts';

/** Specs shaped like the project's real functions, so the stack is tested before the manifest fills up. */
export function sampleSpecs(): FunctionSpec[] {
  return [
    {
      name: 'outbox-dispatcher',
      description: 'Sends queued SMS from the outbox',
      triggers: [
        {
          kind: 'stream',
          filters: [{ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entity: { S: ['MSG'] } } } }],
          batchSize: 10,
          maxRetries: 5,
          maxRecordAgeSeconds: 3600,
        },
      ],
      access: ['table-read', 'table-write', 'table-stream', 'sms'],
      timeoutSeconds: 30,
      memoryMb: 512,
    },
    {
      name: 'case-reactor',
      description: 'Starts and cancels notice timers when cases change',
      triggers: [
        {
          kind: 'stream',
          filters: [{ dynamodb: { NewImage: { entity: { S: ['NOTICE', 'CASE'] } } } }],
          batchSize: 25,
          maxRetries: 3,
          maxRecordAgeSeconds: 86_400,
        },
      ],
      access: ['table-read', 'table-write', 'table-stream', 'scheduler'],
      timeoutSeconds: 30,
      memoryMb: 256,
    },
    {
      name: 'chase-reports',
      description: 'Escalates late reports',
      triggers: [
        { kind: 'schedule', cron: '0 9 ? * MON-FRI *', timezone: 'Asia/Shanghai', description: 'weekday chase' },
        { kind: 'schedule', cron: '0 16 ? * MON-FRI *', timezone: 'Asia/Shanghai', description: 'afternoon chase' },
      ],
      access: ['table-read', 'table-write'],
      timeoutSeconds: 120,
      memoryMb: 512,
    },
    {
      name: 'notice-deadline',
      description: 'Fires when a notice week ends',
      triggers: [{ kind: 'timer-target' }],
      access: ['table-read', 'table-write'],
      timeoutSeconds: 30,
      memoryMb: 256,
    },
    {
      name: 'reconcile',
      description: 'Re-creates missing timers daily',
      triggers: [{ kind: 'schedule', cron: '30 2 * * ? *', timezone: 'Asia/Shanghai', description: 'nightly' }],
      access: ['table-read', 'scheduler'],
      timeoutSeconds: 300,
      memoryMb: 512,
    },
  ];
}
