import * as z from 'zod/mini';
import { NotFoundError, ValidationError } from '../../shared/domain/errors.ts';
import { lazyModule } from '../lazy-module.ts';
import type { ApiDeps, ApiPorts } from './api-deps.ts';
import { parseWith } from './http.ts';
import type { Route, RouteContext } from './router.ts';
import { UploadProgressStore } from './upload-progress.ts';

type UploadModule = typeof import('./uploads.ts');

/**
 * The importers load on the first upload: in the function asset from the lazy chunk `lazy/uploads.mjs` next to
 * index.mjs (infra/bundling.ts UPLOADS), run from source (tsx, tests) the module itself. Computed specifiers keep
 * esbuild from pulling them into the main chunk.
 */
const loadUploads = lazyModule<UploadModule>(import.meta.url, './lazy/uploads.mjs', './uploads.ts');

const kindParam = z.enum(['roll', 'register', 'directory']);
const UPLOAD_ID = /^[A-Za-z0-9_.:-]{8,128}$/;

/**
 * The console's upload wizard (docs/rosters.md "Uploading in the console"): a 学籍花名册 (school head: own school;
 * office: any school), a township's 户籍 list or the directory template (office), dry run first, then the same
 * request with `dryRun: false`. With an Idempotency-Key (the console always sends one) a retried confirmation
 * replays the first reply, and the console polls the upload's progress under that key; without one an upload runs
 * untracked (importing the same file twice leaves the same roll).
 */
export function uploadRoutes(deps: ApiDeps): Route<ApiPorts>[] {
  const progress = new UploadProgressStore(deps.doc, deps.tableName, deps.clock);
  return [
    {
      method: 'POST',
      path: '/api/uploads/:kind',
      who: 'roll: head (own school), office; register, directory: office',
      summary: 'upload a filled-in template (roll | register | directory) as base64 JSON, dry run or import',
      handle: async (ctx: RouteContext<ApiPorts>) => {
        const kind = parseWith(kindParam, ctx.params.kind, 'kind');
        const { handleUpload } = await loadUploads();
        return handleUpload(deps, {
          kind,
          principal: ctx.principal,
          directory: ctx.org.snapshot,
          body: ctx.body,
          uploadId: ctx.idempotencyKey,
          requestId: ctx.requestId,
        });
      },
    },
    {
      method: 'GET',
      path: '/api/uploads/:uploadId/progress',
      who: 'the uploader only (404 for anyone else)',
      summary: 'the progress of the caller’s own upload (phase, fraction, rows), polled by the console',
      handle: async (ctx) => {
        const uploadId = ctx.params.uploadId ?? '';
        if (!UPLOAD_ID.test(uploadId)) throw new ValidationError([{ field: 'uploadId', reason: '格式不正确' }]);
        const p = await progress.get(uploadId, ctx.principal.personId);
        if (!p) throw new NotFoundError('upload', uploadId);
        return { status: 200, body: p };
      },
    },
  ];
}
