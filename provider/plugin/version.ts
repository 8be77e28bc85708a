/** The plugin's version: the package version (test/unit/plugin-version.test.ts keeps them equal). */
export const PLUGIN_VERSION = "0.1.0";
/** The package name in the schema and the resource token. */
export const PACKAGE_NAME = "dcr";
/** The one resource type. */
export const CLIENT_TOKEN = "dcr:index:Client";
