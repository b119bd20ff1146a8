// A user host plugin, as a package or weld.yaml `plugins:` names it: wasi:logging that shouts.
import { writeSync } from 'node:fs';

export default {
  name: 'shout-logger',
  interfaces: ['wasi:logging/logging@0.1.0-draft'],
  create({ component, imports, config }) {
    const logging = {
      log(level, context, message) {
        writeSync(2, `SHOUT ${component} ${level} ${context}${config.suffix ?? ''}: ${message.toUpperCase()}\n`);
      },
    };
    return { imports: Object.fromEntries(imports.map((name) => [name, logging])), close() {} };
  },
};
