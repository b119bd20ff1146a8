// Not a host plugin: no create(). weld must say so, naming the module and the missing field.
export default { name: 'broken', interfaces: ['wasi:logging/logging@0.1.0-draft'] };
