/** Associated data that binds each encrypted column to its purpose (a sealed value cannot be moved to another column). */
export const SECRET_KEY_AAD = "storage_connections.secret_access_key";
export const SESSION_TOKEN_AAD = "storage_connections.session_token";
export const SHARE_URL_AAD = "share_links.url";
