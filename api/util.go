package api

import (
	"context"
	"errors"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// contextBackground is the context of work that outlives its request
// (training).
func contextBackground() context.Context { return context.Background() }
