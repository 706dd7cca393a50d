// The service worker's copy of API answers, shared by the build (vite.config.ts writes the rule
// into the worker) and the app (sign-out empties it: the copies are per user, keyed by address).
export const API_CACHE = 'jiuzai-api';

/**
 * GET answers the offline screens read (report form, depot movements, shipment receipt,
 * households, public pages). Sign-in and the session (/auth, /me) are never kept.
 */
export const OFFLINE_READS = /\/api\/v1\/(events|areas|depots|items|transfers|shipments|plans|households|public|photos)(\/|\?|$)/;
