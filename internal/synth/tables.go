package synth

// The data the generator draws from. Every number here is an
// approximation, stated with its source; none of it is policy.

// prefecture is what the generator knows of one of Yunnan's 16
// prefecture-level divisions.
type prefecture struct {
	// Population is the 2020 census resident population (第七次全国人口普查),
	// rounded to 10,000. The synthetic population at large of a prefecture
	// is this, spread over its villages (an urban community weighing
	// urbanPopulationWeight rural villages).
	Population int
	// Intensity is how many recipients a village of the prefecture has,
	// relative to the provincial mean: the poorer mountain prefectures
	// (昭通, 怒江, 文山) have more, 昆明 and 玉溪 fewer. An assumption, not
	// data; it only shapes where the provincial totals fall.
	Intensity float64
	// Plate is the letter of the prefecture's vehicle plates (云A = 昆明).
	Plate string
	// Minorities is the share of the population of each minority group
	// (GB/T 3304 code → percent), after the 2020 census as far as we know
	// it, approximate; 汉族 is the remainder.
	Minorities map[string]float64
}

// prefectures by the first four digits of the division code. Summed over
// the province, the minority shares come to ≈ 33% (彝 ≈ 10.5%, 哈尼 ≈ 3.5,
// 白 ≈ 3.2, 傣 ≈ 2.7, 壮 ≈ 2.4, 苗 ≈ 2.4, 傈僳 ≈ 1.5, 回 ≈ 1.3, 拉祜 ≈ 1.1,
// 佤 ≈ 0.8 …), which is Yunnan's mix in the 2020 census (少数民族 33.1%).
var prefectures = map[string]prefecture{
	"5301": {846e4, 0.45, "A", map[string]float64{"07": 6.5, "03": 2.0, "14": 1.5, "06": 0.8, "16": 0.5, "08": 0.3, "20": 0.3, "18": 0.2, "11": 0.1, "27": 0.1}},
	"5303": {577e4, 0.9, "D", map[string]float64{"07": 3.0, "03": 1.2, "09": 0.6, "06": 0.6, "08": 0.3, "25": 0.04}},
	"5304": {225e4, 0.6, "F", map[string]float64{"07": 20, "16": 5, "18": 3, "03": 1.5, "02": 1.2, "14": 0.5, "24": 0.3, "06": 0.3}},
	"5305": {243e4, 1.0, "M", map[string]float64{"07": 3.5, "18": 2.2, "20": 1.8, "03": 0.8, "14": 0.6, "06": 0.4, "21": 0.2, "34": 0.2, "28": 0.1}},
	"5306": {509e4, 1.5, "C", map[string]float64{"07": 5.5, "06": 3.0, "03": 2.5}},
	"5307": {125e4, 0.9, "P", map[string]float64{"27": 19, "07": 18, "20": 9, "14": 4, "40": 1.5, "06": 1, "04": 1, "18": 0.5}},
	"5308": {240e4, 1.1, "J", map[string]float64{"16": 18, "07": 17, "24": 14, "18": 6, "21": 3.5, "13": 0.6, "34": 0.5}},
	"5309": {226e4, 1.1, "S", map[string]float64{"21": 12, "07": 9, "18": 7, "24": 5, "34": 2.5, "20": 0.6, "14": 0.5, "46": 0.3}},
	"5323": {241e4, 0.9, "E", map[string]float64{"07": 27, "20": 2, "06": 1, "03": 0.8, "14": 0.8, "18": 0.7}},
	"5325": {448e4, 1.0, "G", map[string]float64{"07": 23, "16": 19, "06": 8, "18": 2.5, "08": 2.3, "13": 1.8, "03": 1.5, "24": 0.5}},
	"5326": {350e4, 1.2, "H", map[string]float64{"08": 28, "06": 13, "07": 10, "13": 2, "03": 0.5, "18": 0.5}},
	"5328": {130e4, 0.8, "K", map[string]float64{"18": 30, "16": 20, "24": 6, "07": 5, "34": 4.5, "56": 2, "13": 2}},
	"5329": {334e4, 0.8, "L", map[string]float64{"14": 34, "07": 13, "03": 2.5, "20": 1, "06": 0.4, "27": 0.4}},
	"5331": {132e4, 1.0, "N", map[string]float64{"18": 27, "28": 11, "20": 2.5, "39": 2.5, "46": 1.3, "07": 0.5}},
	"5333": {55e4, 1.5, "Q", map[string]float64{"20": 53, "14": 25, "42": 6, "07": 3, "51": 1.3, "40": 1, "04": 1}},
	"5334": {39e4, 1.2, "R", map[string]float64{"04": 33, "20": 29, "27": 12, "07": 5, "14": 4, "40": 1, "03": 0.5}},
}

// urbanPopulationWeight is how many rural villages' people an urban
// community (社区) holds, for spreading a prefecture's population.
const urbanPopulationWeight = 1.6

// agePyramid is the share (percent) of Yunnan's population in each 5-year
// age group 0–4, 5–9, …, 95–99, after the 2020 census moved on five years;
// approximate.
var agePyramid = [20]float64{5.2, 6.0, 6.8, 6.6, 5.7, 5.6, 6.9, 9.2, 7.5, 7.4, 8.6, 8.3, 5.9, 4.4, 4.3, 2.9, 1.9, 1.2, 0.6, 0.2}

// hanSurnames are the common surnames with weights: the national
// frequencies of the 2020 household-registration statistics (王 李 张 刘 陈
// …, in per mille), with 杨, 李, 罗, 段 and 普 raised a little, as they are in
// Yunnan.
var hanSurnames = []wstr{
	{"李", 80}, {"王", 68}, {"张", 65}, {"杨", 50}, {"刘", 50}, {"陈", 44}, {"赵", 26}, {"黄", 22}, {"周", 19}, {"吴", 19},
	{"罗", 18}, {"徐", 14}, {"孙", 14}, {"马", 15}, {"朱", 13}, {"胡", 13}, {"郭", 12}, {"何", 14}, {"林", 9}, {"高", 11},
	{"郑", 9}, {"梁", 8}, {"谢", 8}, {"宋", 8}, {"唐", 8}, {"许", 7}, {"韩", 7}, {"冯", 7}, {"邓", 7}, {"曹", 7},
	{"彭", 6}, {"曾", 6}, {"肖", 6}, {"田", 6}, {"董", 6}, {"袁", 5}, {"潘", 5}, {"于", 5}, {"蒋", 5}, {"蔡", 5},
	{"余", 5}, {"杜", 4}, {"叶", 4}, {"程", 4}, {"苏", 4}, {"魏", 4}, {"吕", 4}, {"丁", 4}, {"任", 4}, {"沈", 4},
	{"姚", 4}, {"卢", 4}, {"姜", 3}, {"崔", 3}, {"钟", 3}, {"谭", 3}, {"陆", 3}, {"汪", 3}, {"范", 3}, {"金", 3},
	{"石", 3}, {"廖", 3}, {"贾", 3}, {"夏", 3}, {"付", 3}, {"方", 3}, {"白", 3}, {"邹", 3}, {"孟", 3}, {"熊", 3},
	{"秦", 3}, {"邱", 3}, {"江", 3}, {"尹", 3}, {"段", 4}, {"薛", 2}, {"闫", 2}, {"雷", 2}, {"侯", 2}, {"龙", 2},
	{"史", 2}, {"陶", 2}, {"黎", 2}, {"贺", 2}, {"顾", 2}, {"毛", 2}, {"郝", 2}, {"龚", 2}, {"邵", 2}, {"万", 2},
	{"钱", 2}, {"严", 2}, {"武", 2}, {"戴", 2}, {"莫", 2}, {"孔", 2}, {"普", 2}, {"施", 2}, {"鲁", 1}, {"浦", 1},
}

// minoritySurnames are the common surnames of some of Yunnan's minority
// groups, by GB/T 3304 code; groups not listed draw from hanSurnames.
var minoritySurnames = map[string][]wstr{
	"07": {{"李", 14}, {"杨", 8}, {"罗", 7}, {"普", 6}, {"张", 5}, {"王", 5}, {"毕", 4}, {"施", 3}, {"鲁", 3}, {"者", 3}, {"何", 3}, {"马", 2}, {"龙", 2}, {"苏", 2}, {"自", 2}, {"陈", 2}, {"起", 1}, {"沙", 1}},
	"14": {{"杨", 20}, {"李", 10}, {"赵", 8}, {"段", 7}, {"张", 6}, {"字", 4}, {"王", 4}, {"董", 3}, {"何", 3}, {"尹", 3}, {"施", 2}, {"苏", 2}, {"杜", 2}, {"寸", 1}, {"番", 1}, {"和", 1}, {"洪", 1}},
	"16": {{"李", 15}, {"白", 8}, {"杨", 8}, {"马", 6}, {"卢", 5}, {"车", 4}, {"高", 4}, {"陈", 3}, {"王", 3}, {"张", 3}, {"朱", 2}, {"普", 2}, {"龙", 2}},
	"18": {{"刀", 5}, {"李", 3}, {"罕", 2}, {"方", 2}, {"杨", 2}, {"龚", 1}, {"思", 1}, {"线", 1}, {"孟", 1}},
	"08": {{"王", 10}, {"陆", 8}, {"黄", 7}, {"农", 6}, {"沈", 5}, {"侬", 5}, {"李", 5}, {"韦", 4}, {"梁", 3}, {"陈", 3}, {"张", 3}, {"杨", 2}, {"何", 2}, {"罗", 2}},
	"06": {{"王", 12}, {"杨", 10}, {"熊", 8}, {"陶", 7}, {"李", 6}, {"张", 6}, {"侯", 4}, {"马", 4}, {"罗", 3}, {"项", 3}, {"韩", 2}, {"吴", 2}, {"朱", 2}, {"古", 2}, {"陆", 2}},
	"20": {{"余", 10}, {"李", 10}, {"和", 6}, {"胡", 5}, {"蔡", 4}, {"密", 3}, {"丰", 3}, {"杨", 3}, {"褚", 2}, {"麻", 2}, {"熊", 2}, {"王", 2}},
	"03": {{"马", 30}, {"纳", 6}, {"沙", 5}, {"李", 5}, {"杨", 5}, {"丁", 4}, {"白", 3}, {"赛", 3}, {"张", 3}, {"保", 2}, {"苏", 2}, {"王", 2}, {"哈", 1}, {"穆", 1}},
	"24": {{"李", 10}, {"张", 4}, {"罗", 4}, {"石", 3}, {"胡", 2}, {"刘", 2}},
	"21": {{"赵", 10}, {"李", 8}, {"田", 5}, {"魏", 4}, {"鲍", 4}, {"陈", 3}, {"肖", 3}},
	"27": {{"和", 40}, {"木", 6}, {"杨", 6}, {"李", 5}, {"赵", 3}, {"王", 3}, {"习", 2}, {"牛", 2}},
	"28": {{"排", 6}, {"岳", 5}, {"何", 4}, {"石", 4}, {"金", 3}, {"雷", 3}, {"董", 3}, {"李", 3}, {"孔", 2}, {"张", 2}},
}

// nameStyles are the groups that often use names without a family surname
// (傣 岩温/玉香, 佤 岩…, 拉祜 扎…/娜…, 藏 扎西/卓玛): the share of such names,
// and the male and female prefixes (藏 names are built from tibetanParts).
var nameStyles = map[string]struct {
	Share        float64
	Male, Female string
}{
	"18": {0.6, "岩", "玉"},
	"21": {0.3, "岩", "叶"},
	"24": {0.4, "扎", "娜"},
	"04": {0.9, "", ""},
}

// tibetanParts are syllables of Tibetan given names, male and female.
var tibetanParts = [2][]string{
	{"扎西", "次仁", "格桑", "达瓦", "尼玛", "农布", "鲁茸", "斯那", "七林", "吉称", "白玛", "此里", "都吉", "阿称", "洛桑"},
	{"卓玛", "拉姆", "央金", "央宗", "次里", "此称", "格茸", "达娃", "白玛", "曲珍", "永宗", "松吉", "拉初", "阿主", "娜姆"},
}

// styleSyllables follow a 岩/玉/扎/娜 prefix.
var styleSyllables = []string{"温", "罕", "应", "香", "光", "恩", "叫", "腊", "坎", "糯", "拉", "约", "波", "倮", "保", "儿", "丙", "胆", "燕", "帕"}

// givenNames are whole given names by birth cohort and sex, the ones
// common enough to recur (建国 and 秀英 for the elderly, 子轩 and 梓涵 for
// children), from the public name-frequency lists of the 2020 statistics.
var givenNames = [4][2][]string{
	// born before 1960
	{{"建国", "国华", "德明", "志明", "正才", "开明", "学文", "永福", "绍华", "文忠", "德才", "有才", "金福", "发才", "光明", "福生", "家明", "国祥", "忠良", "德兴", "荣华", "自强", "树林", "春发", "朝明", "兴华", "文光", "正兴", "有福", "国良"},
		{"秀英", "桂英", "秀兰", "桂兰", "玉兰", "凤英", "桂芳", "秀珍", "淑珍", "玉珍", "凤兰", "桂珍", "秀芳", "玉梅", "秀芬", "菊芬", "丽芬", "美珍", "翠兰", "兰英", "琼芬", "会芬", "小妹", "春花", "金花", "玉仙", "凤仙", "桂花", "秀华", "玉芬"}},
	// 1960–1989
	{{"建华", "建平", "建军", "志强", "志刚", "海涛", "红兵", "卫东", "永刚", "云华", "建伟", "俊杰", "文斌", "国庆", "晓东", "小平", "春华", "云龙", "德华", "正华", "金平", "卫国", "新华", "建明", "永平", "云峰", "晓明", "文华", "海波", "志勇"},
		{"丽华", "丽萍", "海燕", "红梅", "晓燕", "春艳", "桂香", "云仙", "丽琼", "艳芬", "美琼", "秀琼", "晓红", "建芬", "云芬", "雪梅", "春梅", "丽娟", "艳萍", "丽芳", "红艳", "晓梅", "玉萍", "丽仙", "琼仙", "永芬", "艳琼", "美华", "文英", "春燕"}},
	// 1990–2009
	{{"浩然", "宇航", "子豪", "家豪", "俊杰", "浩宇", "天宇", "志豪", "俊豪", "文杰", "嘉伟", "明轩", "宇轩", "博文", "思远", "晨阳", "佳豪", "俊宇", "志鹏", "家乐", "子健", "天佑", "永康", "鑫宇", "俊熙", "建宇", "浩楠", "宏宇", "雨辰", "晓宇"},
		{"思雨", "欣怡", "雨欣", "佳怡", "梦瑶", "诗雨", "雅婷", "婷婷", "思琪", "紫涵", "雨萱", "可欣", "嘉欣", "晓雪", "梦琪", "心怡", "佳琪", "丽娜", "雪莲", "思思", "玉婷", "丹丹", "慧敏", "静怡", "欣悦", "梦婷", "晓丽", "艳玲", "佳慧", "雨婷"}},
	// 2010 and after
	{{"子轩", "梓轩", "浩宇", "宇轩", "一诺", "沐阳", "子墨", "梓睿", "俊熙", "宇泽", "浩然", "奕辰", "皓轩", "子睿", "锦程", "承泽", "思源", "嘉懿", "明哲", "煜祺", "睿泽", "梓豪", "铭轩", "子航", "宇航", "昊天", "逸凡", "俊宇", "博宇", "晨轩"},
		{"梓涵", "子涵", "欣怡", "一诺", "诗涵", "可馨", "梓萱", "雨桐", "语桐", "若汐", "思彤", "欣妍", "可欣", "梦琪", "语嫣", "紫萱", "依诺", "沐晴", "芷若", "安琪", "雨涵", "诗琪", "梓琪", "若曦", "思涵", "佳琪", "馨月", "悦彤", "紫涵", "语汐"}},
}

// givenChars are characters for one-character given names and for
// composing two-character ones (first, second), by sex.
var givenChars = [2][3][]string{
	{{"伟", "强", "军", "勇", "杰", "涛", "斌", "磊", "刚", "平", "辉", "波", "峰", "超", "健", "明", "亮", "鹏", "浩", "宇", "鑫", "帅", "龙", "林", "华", "福", "贵", "才", "荣", "兴"},
		{"志", "文", "建", "国", "家", "明", "永", "俊", "天", "晓", "春", "云", "金", "正", "德", "学", "海", "立", "宏", "绍"},
		{"华", "明", "军", "平", "伟", "强", "林", "勇", "辉", "龙", "峰", "杰", "东", "斌", "成", "荣", "刚", "涛", "祥", "昌"}},
	{{"芳", "娟", "敏", "静", "丽", "艳", "娜", "燕", "霞", "玲", "红", "萍", "琼", "婷", "倩", "雪", "欣", "洁", "颖", "琳", "英", "兰", "珍", "芬", "梅", "凤", "花", "菊", "仙", "莲"},
		{"秀", "丽", "春", "晓", "美", "玉", "雪", "桂", "海", "红", "云", "金", "思", "佳", "雨", "欣", "艳", "会", "翠", "琼"},
		{"英", "芳", "兰", "梅", "华", "燕", "琼", "霞", "萍", "珍", "芬", "丽", "娟", "婷", "艳", "莲", "仙", "香", "琴", "蓉"}},
}

// roads are street names for urban addresses.
var roads = []string{"人民路", "建设路", "解放路", "北京路", "环城路", "新华路", "东风路", "青年路", "滇池路", "金碧路",
	"南屏街", "文化路", "民族路", "团结路", "振兴路", "育才路", "朝阳路", "龙泉路", "学府路", "和平路",
	"胜利路", "光明路", "红旗路", "翠湖路", "南街", "北街", "西街", "东街", "府前路", "银河路"}

// villageGroups name the groups (村民小组) of a rural village.
var villageGroups = []string{"一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组", "九组", "十组", "十一组", "十二组",
	"大村", "小村", "上村", "下村", "新村", "老寨", "新寨", "大坪子", "小河边", "大箐", "沙坝", "龙潭", "马街"}

// banks pay benefits (一卡通). BIN is the illustrative card prefix of the
// generated 19-digit account numbers (Luhn-checked, unique per household).
var banks = []struct {
	Name, BIN    string
	Rural, Urban float64 // weights
}{
	{"云南省农村信用社", "622995", 55, 5},
	{"中国邮政储蓄银行", "621799", 20, 20},
	{"中国农业银行", "622848", 20, 25},
	{"中国建设银行", "621700", 3, 20},
	{"中国工商银行", "621226", 2, 20},
	{"富滇银行", "623180", 0, 10},
}

// depositBanks hold the deposits of the banks' dataset.
var depositBanks = []string{"中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "交通银行", "中国邮政储蓄银行",
	"云南省农村信用社", "富滇银行", "招商银行", "兴业银行", "云南红塔银行", "曲靖市商业银行"}

// brokers hold the securities accounts.
var brokers = []string{"太平洋证券", "华泰证券", "中信证券", "国泰君安证券", "招商证券", "东方财富证券", "平安证券", "中国银河证券"}

// seriousIllnesses are the illnesses of the 重特大疾病 lists.
var seriousIllnesses = []string{"恶性肿瘤", "尿毒症", "白血病", "重性精神病", "耐药性肺结核", "慢性心力衰竭", "脑卒中后遗症",
	"糖尿病并发症", "肝硬化失代偿期", "类风湿关节炎", "再生障碍性贫血", "先天性心脏病"}

// enterpriseWords make enterprise names: 云南 + a trade name + a line of business + 有限公司.
var enterpriseWords = [2][]string{
	{"宏达", "鑫源", "华通", "金鼎", "润丰", "恒盛", "滇中", "康达", "盛世", "佳和", "博远", "天成", "锦程", "瑞丰", "永昌", "兴农", "彩云", "高原", "茂源", "俊发"},
	{"建筑工程", "商贸", "农业科技", "物流", "餐饮管理", "矿业", "房地产开发", "电子科技", "茶业", "食品", "花卉", "旅游开发", "汽车销售", "医药", "建材", "劳务"},
}

// shopKinds make the names of the self-employed (个体工商户): 张记 + a kind.
var shopKinds = []string{"小吃店", "五金店", "便利店", "米线馆", "理发店", "百货店", "农资店", "烧烤店", "服装店", "摩托车修理部",
	"水果店", "茶叶店", "药店", "建材店", "养殖场", "烟酒店", "饭店", "手机店", "家电维修部", "粮油店"}

// publicUnits are employers of public employees, under the county name.
var publicUnits = []struct {
	Name string
	Kind string // "civil_servant" or "public_institution"
}{
	{"人民政府办公室", "civil_servant"}, {"民政局", "civil_servant"}, {"财政局", "civil_servant"}, {"公安局", "civil_servant"},
	{"教育体育局", "civil_servant"}, {"卫生健康局", "civil_servant"}, {"自然资源局", "civil_servant"}, {"农业农村局", "civil_servant"},
	{"人力资源和社会保障局", "civil_servant"}, {"市场监督管理局", "civil_servant"}, {"税务局", "civil_servant"}, {"人民法院", "civil_servant"},
	{"人民医院", "public_institution"}, {"中医医院", "public_institution"}, {"第一中学", "public_institution"}, {"第二中学", "public_institution"},
	{"疾病预防控制中心", "public_institution"}, {"妇幼保健院", "public_institution"}, {"职业高级中学", "public_institution"}, {"融媒体中心", "public_institution"},
}

// vehicleTypes of the vehicles dataset with weights and value ranges in yuan.
var vehicleTypes = []struct {
	Name     string
	Weight   float64
	Min, Max int64
}{
	{"小型轿车", 45, 40000, 250000}, {"小型越野客车", 15, 80000, 350000}, {"小型普通客车", 8, 50000, 150000},
	{"轻型普通货车", 8, 40000, 120000}, {"普通二轮摩托车", 18, 2000, 12000}, {"三轮汽车", 4, 5000, 20000}, {"中型普通货车", 2, 100000, 250000},
}

// wstr is a weighted string.
type wstr struct {
	S string
	W float64
}
