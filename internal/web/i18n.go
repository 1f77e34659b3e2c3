package web

import (
	"net/http"
	"strings"
	"time"
)

// shanghai is the zone every time is shown in.
var shanghai = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}()

// langOf returns "en" when the caller chose English, else "zh". The web
// UI is Chinese unless the user switched (cookie "lang"), whatever the
// browser prefers: an office's browsers are often set up in English. API
// clients may ask with Accept-Language.
func langOf(r *http.Request) string {
	if c, err := r.Cookie("lang"); err == nil {
		if c.Value == "en" {
			return "en"
		}
		return "zh"
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		if al := r.Header.Get("Accept-Language"); len(al) >= 2 && al[:2] == "en" {
			return "en"
		}
	}
	return "zh"
}

// messages holds the UI's words: key → {Chinese, English}.
var messages = map[string][2]string{
	"app":             {"安全网 · 社会救助信息系统", "SafetyNet · Social Assistance Information System"},
	"app.short":       {"安全网", "SafetyNet"},
	"nav.home":        {"首页", "Home"},
	"nav.regions":     {"行政区划", "Divisions"},
	"nav.households":  {"家庭档案", "Households"},
	"nav.calc":        {"救助测算", "Calculator"},
	"nav.users":       {"用户管理", "Users"},
	"nav.audit":       {"审计日志", "Audit log"},
	"nav.logout":      {"退出", "Log out"},
	"lang.switch":     {"English", "中文"},
	"login.title":     {"用户登录", "Log in"},
	"login.username":  {"用户名", "Username"},
	"login.password":  {"密码", "Password"},
	"login.submit":    {"登录", "Log in"},
	"home.welcome":    {"欢迎", "Welcome"},
	"home.role":       {"角色", "Role"},
	"home.region":     {"管辖区域", "Jurisdiction"},
	"home.perms":      {"可用功能", "What you can do"},
	"regions.title":   {"行政区划", "Administrative divisions"},
	"regions.code":    {"代码", "Code"},
	"regions.name":    {"名称", "Name"},
	"regions.level":   {"层级", "Level"},
	"regions.class":   {"城乡分类", "Urban/rural"},
	"regions.save":    {"保存", "Save"},
	"users.title":     {"用户管理", "Users"},
	"users.new":       {"新建用户", "New user"},
	"users.display":   {"姓名", "Name"},
	"users.role":      {"角色", "Role"},
	"users.region":    {"管辖区划代码", "Jurisdiction code"},
	"users.status":    {"状态", "Status"},
	"users.active":    {"正常", "Active"},
	"users.disabled":  {"已停用", "Disabled"},
	"users.disable":   {"停用", "Disable"},
	"users.enable":    {"启用", "Enable"},
	"users.create":    {"创建", "Create"},
	"users.reset":     {"重置密码", "Reset password"},
	"audit.title":     {"审计日志", "Audit log"},
	"audit.search":    {"查询", "Search"},
	"audit.verify":    {"校验哈希链", "Verify the chain"},
	"audit.ok":        {"哈希链完整", "The chain is intact"},
	"audit.broken":    {"哈希链被破坏，首个异常记录序号", "The chain is broken; first bad entry"},
	"audit.at":        {"时间", "Time"},
	"audit.actor":     {"操作人", "Actor"},
	"audit.action":    {"操作", "Action"},
	"audit.subject":   {"对象", "Subject"},
	"audit.entries":   {"条记录", "entries"},
	"audit.from":      {"起始日期", "From"},
	"audit.to":        {"截止日期", "To"},
	"hh.title":        {"家庭档案", "Household"},
	"hh.new":          {"新建家庭", "New household"},
	"hh.find":         {"按身份证号查询", "Find by resident ID"},
	"hh.village":      {"村（社区）代码", "Village code"},
	"hh.area":         {"城乡类别", "Area"},
	"hh.urban":        {"城镇", "Urban"},
	"hh.rural":        {"农村", "Rural"},
	"hh.address":      {"住址", "Address"},
	"hh.members":      {"家庭成员", "Members"},
	"hh.idnumber":     {"身份证号码", "Resident ID"},
	"hh.name":         {"姓名", "Name"},
	"hh.sex":          {"性别", "Sex"},
	"hh.birth":        {"出生日期", "Birth date"},
	"hh.rel":          {"与户主关系", "Relationship"},
	"hh.save":         {"保存", "Save"},
	"hh.created":      {"登记时间", "Registered"},
	"hh.memberN":      {"成员", "Member"},
	"hh.search":       {"查询（身份证号、姓名、拼音或首字母、电话、住址）", "Search (ID, name, pinyin or initials, phone, address)"},
	"hh.searchHint":   {"如 张三 / zhangsan / zs", "e.g. 张三 / zhangsan / zs"},
	"hh.region":       {"区划代码", "Division code"},
	"hh.all":          {"全部", "All"},
	"hh.programme":    {"救助项目", "Programme"},
	"hh.noProgramme":  {"未纳入救助", "Not enrolled"},
	"hh.count":        {"户", "households"},
	"hh.head":         {"户主", "Head"},
	"hh.size":         {"人数", "Size"},
	"hh.prev":         {"上一页", "Previous"},
	"hh.next":         {"下一页", "Next"},
	"hh.page":         {"第", "Page"},
	"hh.pageSuffix":   {"页", ""},
	"hh.importLink":   {"批量导入", "Import a file"},
	"hh.bank":         {"发放账户", "Payment account"},
	"hh.ethnicity":    {"民族", "Ethnicity"},
	"hh.disability":   {"残疾", "Disability"},
	"hh.selfcare":     {"不能自理项", "Self-care failed"},
	"hh.labour":       {"劳动能力", "Labour"},
	"hh.note":         {"备注", "Note"},
	"hh.incomes":      {"家庭收入", "Income"},
	"hh.assets":       {"家庭财产", "Property"},
	"hh.expenditures": {"刚性支出", "Rigid expenditure"},
	"hh.whose":        {"所属成员", "Member"},
	"hh.kind":         {"类别", "Kind"},
	"hh.per":          {"周期", "Per"},
	"hh.source":       {"来源", "Source"},
	"hh.value":        {"价值（元）", "Value (yuan)"},
	"hh.detail":       {"说明", "Detail"},
	"hh.programmes":   {"救助项目", "Programmes"},
	"hh.history":      {"变更记录", "History"},
	"hh.noHistory":    {"尚无变更记录。", "No changes recorded yet."},
	"hh.reason":       {"原因", "Reason"},
	"hh.edit":         {"修改家庭档案", "Edit household"},
	"hh.bankName":     {"开户银行", "Bank"},
	"hh.account":      {"银行账号", "Account number"},
	"hh.holder":       {"账户名", "Account holder"},
	"hh.marital":      {"婚姻", "Marital"},
	"hh.education":    {"教育", "Education"},
	"hh.employment":   {"就业", "Employment"},
	"hh.phone":        {"电话", "Phone"},
	"hh.illness":      {"重大疾病", "Serious illness"},
	"hh.excluded":     {"不计入原因", "Not counted"},
	"hh.death":        {"死亡日期", "Date of death"},
	"hh.grade":        {"等级", "Grade"},
	"hh.cert":         {"残疾证号", "Certificate"},
	"hh.memberNo":     {"成员序号", "Member no."},
	"hh.memberNoHint": {"“所属成员”填成员表中的序号减一（0 为第 1 名成员），留空表示全家共有。", "\"Member\" is the member's row number minus one (0 = first); leave blank for the household."},
	"hh.vehicle":      {"车辆类型", "Vehicle type"},
	"hh.areaM2":       {"面积（㎡）", "Area (m²)"},
	"hh.cancel":       {"取消", "Cancel"},
	"hh.editLink":     {"修改", "Edit"},
	"hh.exportXLSX":   {"导出 Excel", "Export to Excel"},
	"imp.title":       {"家庭档案批量导入", "Import households"},
	"imp.templates":   {"下载导入模板", "Download the template"},
	"imp.file":        {"选择文件（Excel 或 CSV）", "File (Excel or CSV)"},
	"imp.mode":        {"导入方式", "Mode"},
	"imp.check":       {"只校验，不导入", "Check only; load nothing"},
	"imp.all":         {"全部正确才导入（有错则全部不导入）", "Load only if every row is good"},
	"imp.good":        {"导入正确的家庭，下载有误的行修改后再导入", "Load the good households; download the bad rows to fix"},
	"imp.submit":      {"上传", "Upload"},
	"imp.choose":      {"请选择要导入的文件", "choose a file to import"},
	"imp.report":      {"校验报告", "Report"},
	"imp.rows":        {"数据行数", "Data rows"},
	"imp.bad":         {"有误或被拒的行数", "Rows rejected"},
	"imp.created":     {"新建家庭", "Households created"},
	"imp.updated":     {"更新家庭", "Households updated"},
	"imp.unchanged":   {"与系统一致、未变动的家庭", "Households already identical"},
	"imp.loaded":      {"已导入。", "Loaded."},
	"imp.notLoaded":   {"未写入任何数据。", "Nothing was written."},
	"imp.download":    {"下载有误的行（含错误原因），修改后重新导入", "Download the rejected rows (with reasons) to fix and re-import"},
	"imp.row":         {"行号", "Row"},
	"imp.column":      {"列", "Column"},
	"imp.value":       {"内容", "Value"},
	"imp.reason":      {"错误原因", "Reason"},
	"imp.truncated":   {"错误过多，仅列出前面部分。", "Too many errors; only the first are listed."},
	"err.title":       {"出错了", "Something went wrong"},
	"err.back":        {"返回首页", "Back to home"},
	"print":           {"打印", "Print"},
	"calc.submit":     {"测算", "Calculate"},
	"calc.result":     {"测算结果", "Result"},
	"calc.step":       {"计算步骤", "Step"},
	"calc.amount":     {"金额（元）", "Amount (yuan)"},
	"calc.policy":     {"所用政策版本", "Policy version used"},
}

// translate returns the word for key in lang.
func translate(lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if lang == "en" {
		return m[1]
	}
	return m[0]
}
