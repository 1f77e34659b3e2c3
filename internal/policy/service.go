package policy

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/calendar"
)

// Published is a version as the store keeps it: who published it and when.
// The versions embedded in the binary have an empty By and a zero At.
type Published struct {
	Version
	By string    // username of the publisher
	At time.Time // when it was published (UTC)
}

// IsDefault reports whether p is one of the versions embedded in the binary.
func (p Published) IsDefault() bool { return p.By == "" && p.At.IsZero() }

// Store persists published versions. Versions are append-only: there is no
// update and no delete, because calculations and decisions record the
// region and effective date of the version they used.
type Store interface {
	// ListVersions returns every published version, ordered by region then
	// effective date.
	ListVersions(ctx context.Context) ([]Published, error)
	// InsertVersion stores p. It returns Conflict when a version for the
	// same region and effective date is already stored.
	InsertVersion(ctx context.Context, p Published) error
}

// Divisions says whether a division code exists; the registry's
// DivisionService satisfies it.
type Divisions interface {
	Exists(code string) bool
}

// Service serves the policy data in force: the default versions embedded
// in the binary merged with the versions administrators have published.
// The merged dataset is swapped atomically after a publication, so
// calculations never lock and always see a whole dataset.
type Service struct {
	Store Store
	Tx    audit.Transactor
	Audit *audit.Log
	// Defaults are the built-in versions; nil means the embedded Yunnan
	// dataset.
	Defaults *Dataset
	// Divisions, when set, rejects versions for division codes that do not
	// exist (a typo would otherwise publish a version nobody ever uses).
	Divisions Divisions
	Now       func() time.Time

	loadMu sync.Mutex // serialises Load, so the last one to run stores the newest state
	state  atomic.Pointer[serviceState]
}

// serviceState is one consistent view: the dataset and the provenance of
// each of its versions.
type serviceState struct {
	ds       *Dataset
	versions []Published // ordered like ds.Versions()
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Today returns the civil date in China, the date policy is resolved for
// when a request names none.
func (s *Service) Today() string { return calendar.FromTime(s.now()).String() }

func (s *Service) defaults() (*Dataset, error) {
	if s.Defaults != nil {
		return s.Defaults, nil
	}
	return Yunnan()
}

// Load (re)reads the published versions and rebuilds the merged dataset.
// A published version for the same region and effective date as a default
// one replaces it. Errors are Internal (a stored version that no longer
// validates is reported with its region and date).
func (s *Service) Load(ctx context.Context) error {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	def, err := s.defaults()
	if err != nil {
		return err
	}
	stored, err := s.Store.ListVersions(ctx)
	if err != nil {
		return err
	}
	st, err := merge(def, stored)
	if err != nil {
		return err
	}
	s.state.Store(st)
	return nil
}

func key(region, effective string) string { return region + "@" + effective }

// merge builds the state from defaults and published versions.
func merge(def *Dataset, stored []Published) (*serviceState, error) {
	byKey := map[string]Published{}
	for _, v := range def.Versions() {
		byKey[key(v.Region, v.Effective)] = Published{Version: v}
	}
	for _, p := range stored {
		byKey[key(p.Region, p.Effective)] = p
	}
	all := make([]Published, 0, len(byKey))
	for _, p := range byKey {
		all = append(all, p)
	}
	slices.SortFunc(all, func(a, b Published) int {
		if c := strings.Compare(a.Region, b.Region); c != 0 {
			return c
		}
		return strings.Compare(a.Effective, b.Effective)
	})
	vs := make([]Version, len(all))
	for i, p := range all {
		vs[i] = p.Version
	}
	ds, err := NewDataset(vs)
	if err != nil {
		return nil, apperr.Errorf("policy: stored versions do not form a valid dataset: %w", err)
	}
	return &serviceState{ds: ds, versions: all}, nil
}

func (s *Service) current() *serviceState {
	if st := s.state.Load(); st != nil {
		return st
	}
	// Before Load: the defaults alone, so that a service that failed to
	// load still calculates with the built-in policy.
	def, err := s.defaults()
	if err != nil {
		return &serviceState{}
	}
	st, err := merge(def, nil)
	if err != nil {
		return &serviceState{}
	}
	return st
}

// Dataset returns the dataset in force now: the defaults merged with every
// published version. Pass it to Calculate; it never changes once returned.
func (s *Service) Dataset() *Dataset { return s.current().ds }

// Versions returns every version, default and published, ordered by region
// then effective date. When region is not empty (a division code of 2–12
// digits) only the versions that bear on it are returned: those of the
// region itself, of its ancestors (which apply where it has none of its
// own) and of the divisions within it.
func (s *Service) Versions(region string) ([]Published, error) {
	all := s.current().versions
	if region == "" {
		return slices.Clone(all), nil
	}
	code, ok := normRegion(region)
	if !ok {
		return nil, apperr.Field("region", "地区代码须为2、4、6、9或12位数字", "region must be a division code of 2, 4, 6, 9 or 12 digits")
	}
	chain := regionChain(code)
	prefix := significant(code)
	var out []Published
	for _, p := range all {
		if slices.Contains(chain, p.Region) || strings.HasPrefix(p.Region, prefix) {
			out = append(out, p)
		}
	}
	return out, nil
}

// significant returns the prefix of a 12-digit code that identifies it:
// "5301" for 530100000000.
func significant(code string) string {
	for _, n := range []int{2, 4, 6, 9} {
		if strings.TrimRight(code[n:], "0") == "" {
			return code[:n]
		}
	}
	return code
}

// Resolve returns the version in force for a region on a date, with its
// provenance; see Dataset.Resolve for the rules and errors. An empty date
// means today in China.
func (s *Service) Resolve(region, date string) (Published, error) {
	if date == "" {
		date = s.Today()
	}
	st := s.current()
	v, err := st.ds.Resolve(region, date)
	if err != nil {
		return Published{}, err
	}
	i, ok := slices.BinarySearchFunc(st.versions, v, func(p Published, v Version) int {
		if c := strings.Compare(p.Region, v.Region); c != 0 {
			return c
		}
		return strings.Compare(p.Effective, v.Effective)
	})
	if !ok {
		return Published{Version: v}, nil
	}
	return st.versions[i], nil
}

// Publish stores a new version and makes it the policy in force from its
// effective date. It requires access.PolicyPublish and v's region within
// by's jurisdiction; the region may be given with 2–12 digits and is
// stored with 12.
//
// Versions already used stay as they were: the effective date must be
// today or later (in China), so a publication never changes what a past
// calculation or decision would have found; and a second version for the
// same region and effective date is refused. A published version may
// replace a built-in one with the same region and date (a future default
// a release ships early).
//
// Returns Invalid (naming the field: "region", "effective",
// "params.dibao.urban_standard" …), Forbidden, Unauthorized, Conflict.
func (s *Service) Publish(ctx context.Context, by access.Principal, v Version) (Published, error) {
	const op = "policy.Service.Publish"
	if err := by.Require(access.PolicyPublish); err != nil {
		return Published{}, err
	}
	if code, ok := normRegion(v.Region); ok {
		v.Region = code
	}
	if err := v.Validate(); err != nil {
		return Published{}, err
	}
	if s.Divisions != nil && !s.Divisions.Exists(v.Region) {
		return Published{}, apperr.Field("region", "行政区划不存在："+v.Region, "no such division: "+v.Region)
	}
	if !by.Covers(v.Region) {
		return Published{}, apperr.New(apperr.Forbidden, "该地区不在您的管辖范围内", "the region is outside your jurisdiction").WithOp(op)
	}
	if today := s.Today(); v.Effective < today {
		return Published{}, apperr.Field("effective",
			"生效日期不能早于今天（"+today+"）：已生效的政策不能追溯修改，请发布新版本",
			"effective must be today ("+today+") or later: policy already in force cannot be changed retroactively")
	}
	p := Published{Version: v, By: by.Username, At: s.now().UTC().Truncate(time.Microsecond)}
	// Check that the new version fits the dataset before storing it, so a
	// publication can never leave the stored versions unloadable.
	stored, err := s.Store.ListVersions(ctx)
	if err != nil {
		return Published{}, err
	}
	for _, q := range stored {
		if q.Region == p.Region && q.Effective == p.Effective {
			return Published{}, conflict(p)
		}
	}
	def, err := s.defaults()
	if err != nil {
		return Published{}, err
	}
	if _, err := merge(def, append(stored, p)); err != nil {
		return Published{}, err
	}
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.InsertVersion(ctx, p); err != nil {
			if apperr.Is(err, apperr.Conflict) {
				return conflict(p)
			}
			return err
		}
		return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "policy.publish", SubjectType: "policy_version",
			SubjectID: key(p.Region, p.Effective), SubjectRegion: p.Region, After: p.Version})
	})
	if err != nil {
		return Published{}, err
	}
	return p, s.Load(ctx)
}

func conflict(p Published) error {
	return apperr.New(apperr.Conflict,
		"地区 "+p.Region+" 已有 "+p.Effective+" 生效的政策版本；已发布的版本不能修改，请另选生效日期",
		"a version for region "+p.Region+" effective "+p.Effective+" is already published; published versions cannot be changed")
}
