// Package api will hold the HTTP service on gin, the error-to-status table,
// the embedded web pages and a Go client (issue 6). Nothing is implemented
// yet; the folder exists so the layout is visible.
package api
