// One page with both libraries, same origin (and so the same localStorage) as the example app:
// amazon-cognito-identity-js 6.3.21, unmodified from tests/node_modules, and the packed
// cognito-wasm from web/node_modules. tests/web/interop.test.mjs calls these through
// page.evaluate; each returns plain data (token strings, usernames, attributes).
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { Auth, preload } from 'cognito-wasm';

// The entry module's own promises (checked by the interop test): an Auth made before the
// WebAssembly module has loaded, with a bad config, rejects each call with the ConfigError, and
// its on() already returns an unsubscribe function; once loaded, the constructor throws it.
const bad = { userPoolId: 'not-a-pool-id', userPoolClientId: 'client' };
const early = new Auth(bad);
const describe = (e) => ({ name: e.name, message: e.message, isError: e instanceof Error });
const entry = {
  earlyOn: typeof early.on('signedIn', () => {}),
  earlyCall: early.getCurrentUser().then(() => 'resolved', describe),
};

const config = await (await fetch('/config.json', { cache: 'no-store' })).json();
const pool = new CognitoUserPool({
  UserPoolId: config.userPoolId,
  ClientId: config.userPoolClientId,
  endpoint: config.endpoint,
});
const ours = new Auth({
  userPoolId: config.userPoolId,
  userPoolClientId: config.userPoolClientId,
  endpoint: config.endpoint,
});

await preload();
try {
  new Auth(bad);
  entry.afterLoad = 'no error';
} catch (e) {
  entry.afterLoad = describe(e);
}
entry.create = await Auth.create(bad).then(() => 'resolved', describe);
entry.earlyCall = await entry.earlyCall;

const cb = (f) => new Promise((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v))));
const tokensOf = (s) => ({
  idToken: s.getIdToken().getJwtToken(),
  accessToken: s.getAccessToken().getJwtToken(),
  refreshToken: s.getRefreshToken().getToken(),
});
const plain = (e) => ({ name: e.name, message: e.message, code: e.code });

window.interop = {
  entry,
  acij: {
    /** SRP sign-in by amazon-cognito-identity-js (its default flow); stores its session. */
    signIn(username, password) {
      const user = new CognitoUser({ Username: username, Pool: pool });
      return new Promise((resolve, reject) =>
        user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
          onSuccess: (s) => resolve(tokensOf(s)),
          onFailure: (e) => reject(plain(e)),
        }),
      );
    },
    /** The stored session as acij reads it: getCurrentUser() + getSession(). */
    async session() {
      const user = pool.getCurrentUser();
      if (!user) return null;
      const s = await cb((done) => user.getSession(done));
      return { username: user.getUsername(), valid: s.isValid(), ...tokensOf(s) };
    },
    /** GetUser with acij's stored access token. */
    async attributes() {
      const user = pool.getCurrentUser();
      await cb((done) => user.getSession(done));
      const list = await cb((done) => user.getUserAttributes(done));
      return Object.fromEntries(list.map((a) => [a.getName(), a.getValue()]));
    },
    /** REFRESH_TOKEN_AUTH with the stored refresh token. */
    async refresh() {
      const user = pool.getCurrentUser();
      const s = await cb((done) => user.getSession(done));
      return tokensOf(await cb((done) => user.refreshSession(s.getRefreshToken(), done)));
    },
  },
  ours: {
    async session(forceRefresh = false) {
      const s = await ours.fetchAuthSession({ forceRefresh });
      if (!s.tokens) return null;
      return { idToken: String(s.tokens.idToken), accessToken: String(s.tokens.accessToken) };
    },
    user: () => ours.getCurrentUser(),
    attributes: () => ours.fetchUserAttributes(),
    signIn: (username, password) => ours.signIn({ username, password }),
    signOut: () => ours.signOut(),
  },
};
document.body.dataset.ready = 'true';
