package tian

import (
	"context"
	"time"
)

// Role is what a token may do. Each role may do all a lower one may.
type Role int

// Roles, lowest first.
const (
	RoleNone     Role = iota
	RoleMember        // search, similar, read
	RoleReviewer      // plus classify, route, feedback
	RoleStaff         // plus import, export, groups, train, writes
	RoleAdmin         // plus tokens
)

var roleNames = []string{"", "member", "reviewer", "staff", "admin"}

func (r Role) String() string {
	if r < 0 || int(r) >= len(roleNames) {
		return ""
	}
	return roleNames[r]
}

// ParseRole parses member, reviewer, staff or admin.
func ParseRole(s string) (Role, error) {
	for i, n := range roleNames {
		if i > 0 && n == s {
			return Role(i), nil
		}
	}
	return RoleNone, Errorf(EINVALID, "未知角色 %q（可选 member、reviewer、staff 或 admin）", s)
}

// APIToken is an API token as stored: never the secret itself, only its hash.
type APIToken struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	CreatedAt string `json:"created_at"`
	CreatedBy string `json:"created_by"`
	RevokedAt string `json:"revoked_at,omitempty"`
	LastUsed  string `json:"last_used,omitempty"`
}

// TokenStore keeps API tokens, hashed.
type TokenStore interface {
	// CreateToken makes a token and returns its secret, shown once.
	CreateToken(ctx context.Context, name string, role Role, actor string) (secret string, t *APIToken, err error)
	// Tokens lists the tokens, revoked ones included.
	Tokens(ctx context.Context) ([]APIToken, error)
	// RevokeToken revokes a token; ENOTFOUND if there is none.
	RevokeToken(ctx context.Context, id int64, actor string) error
	// Authenticate returns the live token with this secret, or EUNAUTH,
	// and records when the token was last used (best effort: a failure
	// to record it, on a full disk say, does not fail the request).
	Authenticate(ctx context.Context, secret string) (*APIToken, error)
	// CreateSession signs a browser in with a live token: it returns a
	// new session secret (for the cookie: never the API token itself),
	// valid for ttl. Only its hash is stored.
	CreateSession(ctx context.Context, tokenID int64, ttl time.Duration) (secret string, err error)
	// SessionToken returns the live token behind a live session; EUNAUTH
	// when the session is unknown, expired or signed out, or its token
	// revoked.
	SessionToken(ctx context.Context, secret string) (*APIToken, error)
	// DeleteSession signs a session out; an unknown one is no error.
	DeleteSession(ctx context.Context, secret string) error
	// Audit records an action.
	Audit(ctx context.Context, actor, action, target, detail string) error
}
