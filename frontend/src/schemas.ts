// The API's types, from the OpenAPI document the server serves at /api/v1/openapi.json
// (committed as openapi.json; src/api.gen.ts is generated from it by `npm run gen:api`).
import type { components } from './api.gen';

export type Schemas = components['schemas'];

/**
 * `Narrow`, checked at compile time to be assignable to the document's `Wide`: for the few types
 * that say more than the document does (string unions where it says string, typed maps where it
 * says object).
 */
export type Narrows<Wide, Narrow extends Wide> = Narrow;
