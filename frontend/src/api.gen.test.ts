// src/api.gen.ts is generated from openapi.json (`npm run gen:api`): regenerate it here and fail
// when the committed file no longer matches the document.
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { expect, it } from 'vitest';
import document from '../openapi.json?raw';
import generated from './api.gen.ts?raw';

it('src/api.gen.ts is what openapi-typescript makes of openapi.json (run `npm run gen:api`)', async () => {
  // The options of the `gen:api` script.
  const fresh = COMMENT_HEADER + astToString(await openapiTS(document, { emptyObjectsUnknown: true, silent: true }));
  expect(generated === fresh, 'src/api.gen.ts differs from openapi.json: run `npm run gen:api`').toBe(true);
}, 30_000);
