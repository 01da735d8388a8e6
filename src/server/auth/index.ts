// Client authentication: HBA rules, the user list, and the password mechanisms.

export { authenticate, AuthFailure, effectiveMethod, passwordMatches, type AuthChannel } from "./authenticator.js";
export { LoginThrottle, type LoginThrottleOptions } from "./login-throttle.js";
export { DEFAULT_HBA_RULES, matchHbaRule, validateHbaRules, isLoopback, addressInCidr, type AuthMethod, type HbaRule } from "./hba.js";
export { UserStore, type UserConfig, type UserEntry } from "./user-store.js";
export { ScramAuthenticator, ScramError, scramVerifierFromPassword, formatScramVerifier, parseScramVerifier, saslprep, type ScramVerifier } from "./scram.js";
export { md5PasswordHash, md5Response } from "./md5.js";
