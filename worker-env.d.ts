// Types `env` and `exports` from "cloudflare:workers" for this Worker.
type ProjectEnv = import("./src/env.ts").Env;

declare namespace Cloudflare {
  interface Env extends ProjectEnv {}
  interface GlobalProps {
    mainModule: typeof import("./src/index.ts");
    durableNamespaces: "AudioSession" | "SessionRegistry" | "UserSessions";
  }
}
