// Forwards each call to wasi:blobstore; the tests name hostile containers and objects through it.
import { createContainer, getContainer, deleteContainer, containerExists, copyObject } from 'wasi:blobstore/blobstore@0.2.0-draft';
import { OutgoingValue, IncomingValue } from 'wasi:blobstore/types@0.2.0-draft';

const enc = new TextEncoder();
const dec = new TextDecoder();

function guard(f) {
  try {
    return f();
  } catch (e) {
    throw String(e && e.payload !== undefined ? e.payload : e);
  }
}

export const blobs = {
  createContainer: (name) => guard(() => void createContainer(name)),
  containerExists: (name) => guard(() => containerExists(name)),
  deleteContainer: (name) => guard(() => deleteContainer(name)),
  write: (container, name, data) =>
    guard(() => {
      const value = OutgoingValue.newOutgoingValue();
      const out = value.outgoingValueWriteBody();
      out.blockingWriteAndFlush(enc.encode(data));
      getContainer(container).writeData(name, value);
      OutgoingValue.finish(value);
    }),
  read: (container, name, start, end) => guard(() => dec.decode(IncomingValue.incomingValueConsumeSync(getContainer(container).getData(name, start, end)))),
  readStream: (container, name) =>
    guard(() => {
      const incoming = getContainer(container).getData(name, 0n, 0xffffffffn);
      const stream = IncomingValue.incomingValueConsumeAsync(incoming);
      let text = '';
      for (;;) {
        let chunk;
        try {
          chunk = stream.blockingRead(4096n);
        } catch (e) {
          if (e && e.payload && e.payload.tag === 'closed') break;
          throw e;
        }
        text += dec.decode(chunk);
      }
      return text;
    }),
  listObjects: (container) =>
    guard(() => {
      const names = [];
      const s = getContainer(container).listObjects();
      for (;;) {
        const [batch, done] = s.readStreamObjectNames(100n);
        names.push(...batch);
        if (done) break;
      }
      return names.sort();
    }),
  info: (container, name) => guard(() => getContainer(container).objectInfo(name).size),
  remove: (container, name) => guard(() => getContainer(container).deleteObject(name)),
  copy: (sc, s, dc, d) => guard(() => copyObject({ container: sc, object: s }, { container: dc, object: d })),
};
