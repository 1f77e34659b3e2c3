// Package web serves the JSON API under /api/v1 and the server-rendered
// HTML UI (Chinese by default, English on request) over the domain
// services. Handlers decode, call one service method and render; business
// rules and authorisation decisions stay in the services. One table maps
// error kinds to HTTP statuses.
package web
