import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { InstanceDirectory } from '../../core/instances.js';
import { anyToken } from '../route-access.js';
import { answerBase as requestBase } from '../answer-base.js';

/**
 * The Master Metadata API's instance calls: a tool holding only a token asks `GET /instance`
 * and uses an instance's `meta_api` as its base URL.
 */
export const instanceRoutes = (instances: InstanceDirectory): FastifyPluginAsync => async (root) => {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/instance', { config: anyToken }, async (request) => instances.list(requestBase(request)));
  app.get('/instance/:name', { config: anyToken, schema: { params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 255 }) }) } }, async (request) => {
    return instances.get(request.params.name, requestBase(request));
  });
};
