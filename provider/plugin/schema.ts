/**
 * The schema GetSchema returns: provider/plugin/schema.json (generated from the argument and
 * output records), imported so both the tsc output and the bundle carry it.
 */
import schema from "./schema.json";

/** The schema's text. */
export const SCHEMA_TEXT = JSON.stringify(schema);
