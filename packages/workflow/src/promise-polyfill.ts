/**
 * aws-local-stepfunctions 3 calls Node 22's `Promise.withResolvers`; Node 20
 * (this project's floor) lacks it. Imported for its side effect before the engine.
 */
if (!('withResolvers' in Promise)) {
  Object.assign(Promise, {
    withResolvers<T>() {
      let resolve!: (value: T) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export {};
