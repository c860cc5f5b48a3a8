/**
 * The ISO-8601 form a TIMESTAMP takes in a `where` (SPEC §4 subscribe filters): date, time (seconds
 * and fraction optional) and a zone, `Z` or `±hh:mm`. The hub matches such strings against rows;
 * clients check their filters with the same pattern before sending them.
 */
export const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
