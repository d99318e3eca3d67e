import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fastifyMultipart, { type MultipartFile, type MultipartValue } from '@fastify/multipart';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { StrataError } from '../../kernel/errors.js';
import type { Strata } from '../../core/strata.js';
import { needs } from '../route-access.js';
import { WorkspaceParams, guardedWorkspace, xanoTime } from './params.js';
import type { XanoBranch } from '../../core/xano-branches.js';
import { workspaceView } from './workspace-routes.js';

/**
 * Xano's workspace export and import (`POST /workspace/{id}/export[-schema]`,
 * `/import[-schema]`) in Strata's archive format (docs/archive-format.md), the format of
 * `strata backup`. Exports stream from one snapshot; imports land in a temporary file first
 * (an archive is checked whole before anything is written) and go into an empty workspace only.
 */
const ExportFields = {
  branch: Type.Optional(Type.String({ description: 'A Xano branch label; empty: the live branch (v1: main with its data sources)' })),
  password: Type.Optional(Type.String({ description: 'Encrypted exports are not supported: must be empty' })),
};
const ExportBody = Type.Object(ExportFields);
/**
 * Xano documents JSON and multipart/form-data for export: both, a urlencoded form, or no body
 * at all. A multipart form is read part by part (formFields), so it has no schema here.
 */
const ExportBodies = {
  content: {
    'application/json': { schema: ExportBody },
    'application/x-www-form-urlencoded': { schema: ExportBody },
  },
};
const FORM_MAX_BYTES = 64 * 1024;

/** Room for a large workspace; past it busboy stops the body (413). */
export const IMPORT_MAX_BYTES = 8 * 1024 * 1024 * 1024;

/**
 * Import answers the workspace with its live branch as an object (Xano's Swagger), with the
 * fields Strata keeps: no edit time of its own (updated_at is its creation), no parent, guid or history settings.
 */
const importedBranchView = (b: XanoBranch, workspaceId: number) => ({
  id: b.branchId, created_at: xanoTime(b.createdAt), updated_at: xanoTime(b.createdAt), description: b.description,
  label: b.label, backup: false, color: b.color, workspace: { id: workspaceId },
});

const bad = (message: string, param: string) => new StrataError('BAD_REQUEST', message, { param });
const noPassword = (password: string | undefined) => {
  if (password) throw bad('password-protected (encrypted) archives are not supported: export without a password', 'password');
};

export const archiveRoutes = (strata: Strata): FastifyPluginAsync => async (root) => {
  // The multipart and form parsers in a scope of their own: no other route's body parsing changes.
  await root.register(async (scope) => {
    await scope.register(fastifyMultipart, { limits: { fieldNameSize: 100, fieldSize: 1024, fields: 4, files: 1, parts: 6, fileSize: IMPORT_MAX_BYTES } });
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_MAX_BYTES }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    const typed = scope.withTypeProvider<TypeBoxTypeProvider>();

    for (const [route, schemaOnly] of [['export', false], ['export-schema', true]] as const) {
      const access = schemaOnly ? needs('database:read') : needs('database:read', 'content:read', 'files:read');
      typed.post(`/workspace/:workspace_id/${route}`, {
        config: access, schema: { params: WorkspaceParams, body: ExportBodies },
        // No body, or an empty one under a JSON content type (xano-inc/cli's `workspace export`): the defaults.
        preValidation: (request, _reply, done) => { if (!request.isMultipart()) request.body ??= {}; done(); },
      }, async (request, reply) => {
        const fields: { branch?: string; password?: string } = request.isMultipart() ? await formFields(request, ['branch', 'password']) : (request.body ?? {});
        noPassword(fields.password);
        const prepared = await strata.archives.prepareWorkspaceExport(guardedWorkspace(request), fields.branch || undefined, schemaOnly);
        const body = new PassThrough();
        // A client gone before the end: the export stops and its snapshot (a transaction on PostgreSQL) closes.
        reply.raw.on('close', () => { if (!body.writableFinished) body.destroy(); });
        // Failing half way, the stream ends without a trailer (and the connection is cut): no reader accepts it.
        strata.archives.backup(prepared.scope, body, { branches: prepared.branches }).catch((err: Error) => {
          request.log.error({ err }, 'workspace export failed');
          body.destroy(err);
        });
        return reply.type('application/gzip').header('content-disposition', `attachment; filename="${prepared.fileName}"`).send(body);
      });
    }

    typed.post('/workspace/:workspace_id/import', { config: needs('database:create', 'database:update', 'content:create', 'files:create'), schema: { params: WorkspaceParams } }, async (request) => {
      const id = guardedWorkspace(request);
      await strata.workspaces.get(id);
      return withUpload(request, ['password'], async (file, fields) => {
        noPassword(fields.password);
        const workspace = await strata.archives.importWorkspace(id, () => fs.createReadStream(file));
        return { ...workspaceView(workspace), branch: importedBranchView(await strata.xanoBranches.live(id), id) };
      });
    });

    typed.post('/workspace/:workspace_id/import-schema', { config: needs('database:create', 'database:update'), schema: { params: WorkspaceParams } }, async (request) => {
      const id = guardedWorkspace(request);
      await strata.workspaces.get(id);
      return withUpload(request, ['newbranch', 'setlive', 'password'], async (file, fields) => {
        noPassword(fields.password);
        if (!fields.newbranch) throw bad('newbranch is required: the label of the branch to create', 'newbranch');
        const setLive = fields.setlive === 'true' || fields.setlive === '1';
        if (fields.setlive !== undefined && !setLive && fields.setlive !== 'false' && fields.setlive !== '0' && fields.setlive !== '') throw bad('setlive must be true or false', 'setlive');
        await strata.archives.importSchema(id, () => fs.createReadStream(file), fields.newbranch, setLive);
        return {};
      });
    });
  });
};

/** A multipart form of text fields only (export's): the `allowed` ones by name, others ignored as a JSON body's are. */
async function formFields(request: FastifyRequest, allowed: string[]): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  try {
    for await (const part of request.parts() as AsyncIterable<MultipartFile | MultipartValue>) {
      const name = part.fieldname.slice(0, 100);
      if (part.type === 'file') throw bad(`${name} must be a text field, not a file: this form takes ${allowed.join(', ')}`, name);
      if (allowed.includes(part.fieldname)) fields[part.fieldname] = String(part.value);
    }
  } catch (err) {
    if (err instanceof StrataError) throw err;
    const code = (err as { code?: string }).code;
    if (code?.startsWith('FST_')) throw bad(`malformed multipart body: ${(err as Error).message}`, 'body');
    throw err;
  }
  return fields;
}

/** The form's `file` part spooled to a temporary file (removed afterwards), its text fields by name. */
async function withUpload<T>(request: FastifyRequest, allowed: string[], fn: (file: string, fields: Record<string, string>) => Promise<T>): Promise<T> {
  if (!request.isMultipart()) throw bad('the body must be multipart/form-data with a file part', 'file');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-import-'));
  const file = path.join(dir, 'archive.strata.gz');
  try {
    const fields: Record<string, string> = {};
    let got = false;
    for await (const part of request.parts() as AsyncIterable<MultipartFile | MultipartValue>) {
      if (part.fieldname === 'file') {
        if (part.type !== 'file') throw bad('file must be a file part (with a filename), not a text field', 'file');
        await pipeline(part.file, fs.createWriteStream(file));
        if (part.file.truncated) throw new StrataError('PAYLOAD_TOO_LARGE', `the archive is larger than ${IMPORT_MAX_BYTES} bytes`, { param: 'file' });
        got = true;
      } else if (allowed.includes(part.fieldname) && part.type === 'field') {
        fields[part.fieldname] = String(part.value);
      } else {
        throw bad(`unknown part [${part.fieldname.slice(0, 100)}]: this upload takes file, ${allowed.join(', ')}`, part.fieldname.slice(0, 100));
      }
    }
    if (!got) throw bad('file is required: a file part of a multipart/form-data body', 'file');
    return await fn(file, fields);
  } catch (err) {
    if (err instanceof StrataError) throw err;
    const code = (err as { code?: string }).code;
    if (code?.startsWith('FST_')) throw bad(`malformed multipart body: ${(err as Error).message}`, 'body');
    throw err;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
