package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"safetynet/internal/apperr"
)

// maxBody bounds every JSON request body.
const maxBody = 1 << 20

// decodeJSON reads the request body into v, rejecting unknown fields and
// trailing data, and names the offending field where it can.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return apperr.New(apperr.Invalid, "请求体包含多余内容", "unexpected data after the JSON object")
	}
	return nil
}

// jsonError translates a decoding error into an Invalid apperr.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &te):
		f := te.Field
		if f == "" {
			f = "body"
		}
		return apperr.Field(f, "字段类型错误："+f, "wrong type for field "+f)
	case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.Field("body", "JSON 格式错误", "malformed JSON")
	case errors.Is(err, io.EOF):
		return apperr.Field("body", "请求体为空", "empty request body")
	case errors.As(err, &mbe):
		return apperr.Field("body", "请求体过大", "request body too large")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.Field(f, "未知字段："+f, "unknown field: "+f)
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae
	}
	return apperr.Field("body", "请求体无法解析", "cannot read the request body")
}
