// Start-up and size entry for amazon-cognito-identity-js: its whole public API (sign-up,
// SRP sign-in, MFA, sessions and refresh, attributes, passwords, devices, sign-out are methods
// of these classes), and a user pool constructed.
import {
  AuthenticationDetails, CognitoAccessToken, CognitoIdToken, CognitoRefreshToken, CognitoUser,
  CognitoUserAttribute, CognitoUserPool, CognitoUserSession,
} from 'amazon-cognito-identity-js';

window.__lib = {
  AuthenticationDetails, CognitoAccessToken, CognitoIdToken, CognitoRefreshToken, CognitoUser,
  CognitoUserAttribute, CognitoUserSession,
};
window.__client = new CognitoUserPool({ UserPoolId: 'eu-west-1_BenchPool1', ClientId: 'benchclient' });
window.__ready = performance.now();
dispatchEvent(new Event('bench-ready'));
