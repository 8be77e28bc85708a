// Owns an OAuth 2.0 client through Dynamic Client Registration (RFC 7591/7592) and rotates its private_key_jwt signing keys.
package dcr
