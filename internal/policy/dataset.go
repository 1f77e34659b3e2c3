package policy

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"safetynet/internal/apperr"
)

// DefaultRegion is the region a calculation uses when the request names
// none: Yunnan province.
const DefaultRegion = "530000000000"

// Version is one set of parameters for a region from a date on.
type Version struct {
	// Region is the 12-digit division code the version applies to,
	// including every division under it that has no version of its own.
	Region string `json:"region"`
	// Effective is the first day ("YYYY-MM-DD") the version applies.
	Effective string `json:"effective"`
	// Until, when set, is the first day ("YYYY-MM-DD") the version no longer
	// applies; from then on the region falls back to its parent. Local
	// versions need it: without it a county's 2018 standard would outrank the
	// province's later, higher floor forever.
	Until  string `json:"until,omitempty"`
	Params Params `json:"params"`
	// Note says where the values come from and what was decided.
	Note string `json:"note,omitempty"`
	// Unverified lists the JSON paths in Params (a field, or a whole
	// section) whose values RULES.md marks [U] or which were derived or
	// chosen as defaults.
	Unverified []string `json:"unverified,omitempty"`
}

// Ref returns the reference that results carry.
func (v *Version) Ref() *VersionRef {
	return &VersionRef{Region: v.Region, Effective: v.Effective}
}

// IsUnverified reports whether the field at path (e.g. "dibao.urban_standard")
// or a section containing it is listed as unverified.
func (v *Version) IsUnverified(path string) bool {
	for _, u := range v.Unverified {
		if u == path || strings.HasPrefix(path, u+".") {
			return true
		}
	}
	return false
}

// Validate checks the region, the dates, the parameters and that every
// unverified path names a field that exists.
func (v *Version) Validate() error {
	if len(v.Region) != 12 || !allDigits(v.Region) {
		return apperr.Field("region", "地区代码须为12位数字", "region must be a 12-digit division code")
	}
	if !validDate(v.Effective) {
		return apperr.Field("effective", "生效日期须为 YYYY-MM-DD", "effective must be a date YYYY-MM-DD")
	}
	if v.Until != "" && (!validDate(v.Until) || v.Until <= v.Effective) {
		return apperr.Field("until", "截止日期须为晚于生效日期的 YYYY-MM-DD", "until must be a date YYYY-MM-DD after effective")
	}
	if err := v.Params.Validate(); err != nil {
		if e, ok := apperr.As(err); ok {
			return e.WithField("params")
		}
		return err
	}
	raw, err := json.Marshal(v.Params)
	if err != nil {
		return apperr.Errorf("policy: marshal params: %w", err)
	}
	var tree map[string]any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return apperr.Errorf("policy: unmarshal params: %w", err)
	}
	for i, path := range v.Unverified {
		if !hasPath(tree, path) {
			return apperr.Field(fmt.Sprintf("unverified[%d]", i), "未知的参数路径："+path, "no such parameter: "+path)
		}
	}
	return nil
}

// hasPath reports whether the dotted path names a value in tree.
func hasPath(tree map[string]any, path string) bool {
	var node any = tree
	for _, seg := range strings.Split(path, ".") {
		m, ok := node.(map[string]any)
		if !ok {
			return false
		}
		if node, ok = m[seg]; !ok {
			return false
		}
	}
	return true
}

// Dataset is a validated set of versions, indexed by region.
type Dataset struct {
	byRegion map[string][]Version // each sorted by Effective
	all      []Version
}

// datasetFile is the JSON shape of a dataset file.
type datasetFile struct {
	Description string    `json:"description,omitempty"`
	Versions    []Version `json:"versions"`
}

// NewDataset validates the versions and builds a dataset. It returns an
// Invalid error naming "versions[i]…" for a bad version or a duplicate
// region and effective date.
func NewDataset(versions []Version) (*Dataset, error) {
	ds := &Dataset{byRegion: map[string][]Version{}}
	seen := map[string]bool{}
	for i, v := range versions {
		if err := v.Validate(); err != nil {
			if e, ok := apperr.As(err); ok {
				return nil, e.WithField(fmt.Sprintf("versions[%d]", i))
			}
			return nil, err
		}
		key := v.Region + "@" + v.Effective
		if seen[key] {
			return nil, apperr.Field(fmt.Sprintf("versions[%d].effective", i),
				"同一地区同一生效日期有重复的政策版本", "duplicate version for this region and effective date")
		}
		seen[key] = true
		ds.byRegion[v.Region] = append(ds.byRegion[v.Region], v)
		ds.all = append(ds.all, v)
	}
	for _, vs := range ds.byRegion {
		slices.SortFunc(vs, func(a, b Version) int { return strings.Compare(a.Effective, b.Effective) })
	}
	slices.SortFunc(ds.all, func(a, b Version) int {
		if c := strings.Compare(a.Region, b.Region); c != 0 {
			return c
		}
		return strings.Compare(a.Effective, b.Effective)
	})
	return ds, nil
}

// LoadDataset reads a dataset file: {"description": "...", "versions": [...]}.
// Unknown fields are rejected so that a typo in policy data cannot pass
// silently. Errors are Invalid.
func LoadDataset(data []byte) (*Dataset, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f datasetFile
	if err := dec.Decode(&f); err != nil {
		return nil, apperr.Wrap(apperr.Invalid, err, "政策数据格式错误", "policy data is not valid: "+err.Error())
	}
	if dec.More() {
		return nil, apperr.New(apperr.Invalid, "政策数据格式错误", "policy data has trailing content")
	}
	return NewDataset(f.Versions)
}

//go:embed data/yunnan.json
var yunnanJSON []byte

// Yunnan returns the default Yunnan dataset embedded in the binary.
func Yunnan() (*Dataset, error) { return LoadDataset(yunnanJSON) }

// YunnanJSON returns a copy of the embedded Yunnan dataset file, e.g. for
// export or as the seed of an editable copy.
func YunnanJSON() []byte { return bytes.Clone(yunnanJSON) }

// Versions returns every version, ordered by region then effective date.
func (d *Dataset) Versions() []Version { return slices.Clone(d.all) }

// MarshalJSON writes the dataset in the file format LoadDataset reads.
func (d *Dataset) MarshalJSON() ([]byte, error) {
	return json.Marshal(datasetFile{Versions: d.all})
}

// Resolve returns the version in force for a region on a date. region is a
// division code of 2, 4, 6, 9 or 12 digits; date is "YYYY-MM-DD". The most
// specific region with a version in force wins (village, township, county,
// prefecture, province); within a region the latest version effective on or
// before date applies, unless it has ended (Until).
//
// It returns Invalid (field "region" or "date") for malformed input and
// NotFound when no version applies (field "date" when the region has
// versions but none yet in force, else "region").
func (d *Dataset) Resolve(region, date string) (Version, error) {
	code, ok := normRegion(region)
	if !ok {
		return Version{}, apperr.Field("region", "地区代码须为2、4、6、9或12位数字", "region must be a division code of 2, 4, 6, 9 or 12 digits")
	}
	if !validDate(date) {
		return Version{}, apperr.Field("date", "日期须为 YYYY-MM-DD", "date must be YYYY-MM-DD")
	}
	known := false
	if d != nil {
		for _, c := range regionChain(code) {
			vs := d.byRegion[c]
			if len(vs) == 0 {
				continue
			}
			known = true
			i, _ := slices.BinarySearchFunc(vs, date, func(v Version, t string) int {
				if v.Effective <= t {
					return -1
				}
				return 1
			})
			if i == 0 {
				continue
			}
			v := vs[i-1]
			if v.Until != "" && date >= v.Until {
				continue
			}
			return v, nil
		}
	}
	if known {
		e := apperr.New(apperr.NotFound,
			fmt.Sprintf("地区 %s 在 %s 没有生效的政策参数", code, date),
			fmt.Sprintf("no policy version for region %s is in force on %s", code, date))
		e.Field = "date"
		return Version{}, e
	}
	e := apperr.New(apperr.NotFound,
		fmt.Sprintf("地区 %s 没有政策参数", code),
		fmt.Sprintf("no policy data for region %s", code))
	e.Field = "region"
	return Version{}, e
}

// normRegion pads a 2, 4, 6, 9 or 12-digit division code to 12 digits.
func normRegion(s string) (string, bool) {
	switch len(s) {
	case 2, 4, 6, 9, 12:
	default:
		return "", false
	}
	if !allDigits(s) {
		return "", false
	}
	return s + strings.Repeat("0", 12-len(s)), true
}

// regionChain returns code and its ancestors, most specific first, without
// repeats: village, township, county, prefecture, province.
func regionChain(code string) []string {
	var out []string
	for _, n := range []int{12, 9, 6, 4, 2} {
		c := code[:n] + strings.Repeat("0", 12-n)
		if len(out) == 0 || out[len(out)-1] != c {
			out = append(out, c)
		}
	}
	return out
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// validDate reports whether s is a real date written YYYY-MM-DD.
func validDate(s string) bool {
	if len(s) != 10 {
		return false
	}
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Format(time.DateOnly) == s
}
