// oidc-provider ships no type declarations; the test issuer uses a small part of it.
declare module 'oidc-provider' {
  const Provider: new (
    issuer: string,
    configuration: unknown,
  ) => {
    proxy: boolean;
    callback(): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void>;
  };
  export default Provider;
}
