// Start-up and size entry for Amplify v6: the aws-amplify/auth functions that match
// cognito-wasm's methods one for one, Hub for its events, and Amplify.configure.
import { Amplify } from 'aws-amplify';
import {
  confirmResetPassword, confirmSignIn, confirmSignUp, confirmUserAttribute, deleteUser,
  deleteUserAttributes, fetchAuthSession, fetchMFAPreference, fetchUserAttributes, getCurrentUser,
  resendSignUpCode, resetPassword, sendUserAttributeVerificationCode, setUpTOTP, signIn,
  signInWithRedirect, signOut, signUp, updateMFAPreference, updatePassword, updateUserAttributes,
  verifyTOTPSetup,
} from 'aws-amplify/auth';
import { Hub } from 'aws-amplify/utils';

window.__lib = {
  confirmResetPassword, confirmSignIn, confirmSignUp, confirmUserAttribute, deleteUser,
  deleteUserAttributes, fetchAuthSession, fetchMFAPreference, fetchUserAttributes, getCurrentUser,
  resendSignUpCode, resetPassword, sendUserAttributeVerificationCode, setUpTOTP, signIn,
  signInWithRedirect, signOut, signUp, updateMFAPreference, updatePassword, updateUserAttributes,
  verifyTOTPSetup, Hub,
};
Amplify.configure({
  Auth: { Cognito: { userPoolId: 'eu-west-1_BenchPool1', userPoolClientId: 'benchclient' } },
});
window.__ready = performance.now();
dispatchEvent(new Event('bench-ready'));
