// amazon-cognito-identity-js's real sign-in: CognitoUser.authenticateUser (USER_SRP_AUTH, its
// default), the endpoint pointed at cognito-local.
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { signinHarness } from './signin-harness.js';

const q = new URLSearchParams(location.search);
const pool = new CognitoUserPool({
  UserPoolId: q.get('pool'),
  ClientId: q.get('client'),
  endpoint: new URL('/idp/', location.href).href,
});
signinHarness((username, password) => new Promise((resolve, reject) => {
  const user = new CognitoUser({ Username: username, Pool: pool });
  user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
    onSuccess: resolve,
    onFailure: reject,
  });
}));
