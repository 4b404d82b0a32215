/**
 * Loads modules in a fresh module registry with some environment variables changed, so a
 * handler's module-scope configuration (read once at cold start) can be exercised with other
 * settings. The environment is restored as soon as the modules are loaded.
 */
export function loadIsolated<T>(env: Record<string, string | undefined>, load: () => T): T {
  const previous = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(env);
  try {
    let loaded: T | undefined;
    jest.isolateModules(() => {
      loaded = load();
    });
    return loaded as T;
  } finally {
    apply(previous);
  }
}
