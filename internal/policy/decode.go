package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"

	"safetynet/internal/apperr"
)

// DecodeVersion reads one version in its JSON form (the shape of an entry
// of data/yunnan.json) and validates it. The region may be given with 2,
// 4, 6, 9 or 12 digits and is returned with 12. Unknown fields are refused, and
// every failure is an Invalid error naming the JSON path of the offending
// field ("params.dibao.urban_standard", "params.bogus"), so that an
// administrator publishing a version through the API or the UI learns
// exactly what to fix.
func DecodeVersion(data []byte) (Version, error) {
	var v Version
	if err := decodeStrict(data, &v); err != nil {
		if !json.Valid(data) {
			return Version{}, apperr.Field("body", "JSON 格式错误", "malformed JSON")
		}
		if path, unknown := locate(data, reflect.TypeOf(v), ""); path != "" {
			if unknown {
				return Version{}, apperr.Field(path, "未知字段："+path, "unknown field: "+path)
			}
			return Version{}, apperr.Field(path, "字段值无效："+path, "invalid value for "+path+": "+err.Error())
		}
		return Version{}, apperr.Wrap(apperr.Invalid, err, "政策版本格式错误", "the version is not valid: "+err.Error())
	}
	// A region may be written short ("530102"); versions store 12 digits.
	if code, ok := normRegion(v.Region); ok {
		v.Region = code
	}
	if err := v.Validate(); err != nil {
		return Version{}, err
	}
	return v, nil
}

// decodeStrict decodes one JSON value into v, refusing unknown fields and
// trailing data.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// locate finds where data fails to decode into a value of type t: the
// JSON path of the first offending field, and whether the field is unknown
// (rather than holding a bad value). It returns "" when data decodes.
// encoding/json names the field of a type mismatch but not of an unknown
// field or of a custom type's own error (a bad Yuan), so locate walks the
// value alongside the type, decoding each member on its own.
func locate(data []byte, t reflect.Type, path string) (string, bool) {
	if decodeStrict(data, reflect.New(t).Interface()) == nil {
		return "", false
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	join := func(name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	hasCustom := reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]())
	switch {
	case hasCustom:
	case t.Kind() == reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(data, &obj) != nil || obj == nil {
			return path, false
		}
		keys := slices.Sorted(maps.Keys(obj))
		// Report in the order fields are declared, then unknown ones, so
		// the answer does not depend on map order.
		for i := range t.NumField() {
			f := t.Field(i)
			name := jsonName(f)
			if name == "" {
				continue
			}
			for _, k := range keys {
				if k == name || strings.EqualFold(k, name) {
					if p, unknown := locate(obj[k], f.Type, join(name)); p != "" {
						return p, unknown
					}
				}
			}
		}
		for _, k := range keys {
			if !knownField(t, k) {
				return join(k), true
			}
		}
	case t.Kind() == reflect.Slice:
		var items []json.RawMessage
		if json.Unmarshal(data, &items) != nil {
			return path, false
		}
		for i, it := range items {
			if p, unknown := locate(it, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p, unknown
			}
		}
	}
	return path, false
}

// jsonName returns the JSON name of a struct field, or "" if it is not
// encoded.
func jsonName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return ""
	}
	if name, _, _ := strings.Cut(tag, ","); name != "" {
		return name
	}
	return f.Name
}

func knownField(t reflect.Type, key string) bool {
	for i := range t.NumField() {
		if name := jsonName(t.Field(i)); name != "" && strings.EqualFold(name, key) {
			return true
		}
	}
	return false
}
