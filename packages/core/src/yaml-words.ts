/** What weld says of a YAML alias: its readers walk the written nodes, so `*name` would read as nothing. */
export const YAML_ALIAS_MESSAGE = 'YAML aliases (*name) are not read here: write the value out';
