package storecore

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"

	"tian"
)

// Secret prefixes mark tian's secrets, so that a leaked one is
// recognisable; a session's is never an API token's.
const (
	TokenPrefix   = "tian_"
	SessionPrefix = "tians_"
)

// NewSecret is a secret of 256 random bits behind prefix.
func NewSecret(prefix string) (string, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	return prefix + base64.RawURLEncoding.EncodeToString(raw[:]), nil
}

// HashSecret is the stored form of a secret. The secret is 32 random
// bytes, so a plain SHA-256 is enough: there is nothing to guess.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CheckNewToken refuses a token without a name or a role.
func CheckNewToken(name string, role tian.Role) error {
	if name == "" || role == tian.RoleNone {
		return tian.Errorf(tian.EINVALID, "令牌须有名称和角色")
	}
	return nil
}

// NoToken is what a request with an unknown or revoked token hears.
func NoToken() error { return tian.Errorf(tian.EUNAUTH, "令牌无效或已吊销") }

// NoLiveToken is what signing in with an unknown or revoked token hears.
func NoLiveToken() error {
	return tian.Errorf(tian.EUNAUTH, "令牌不存在或已吊销，无法登录")
}

// NoSuchToken is what revoking a token that is not live hears.
func NoSuchToken(id int64) error {
	return tian.Errorf(tian.ENOTFOUND, "没有编号为 %d 的有效令牌", id)
}

// SessionEnded is what a browser sees for a session that is unknown,
// expired, signed out or whose token was revoked: it need not know which.
func SessionEnded() error { return tian.Errorf(tian.EUNAUTH, "登录已过期，请重新登录") }

// BadSessionTTL refuses a session that would never be valid.
func BadSessionTTL() error { return tian.Errorf(tian.EINVALID, "会话有效期必须大于零") }
