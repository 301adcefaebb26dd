"""The discipline rules the article names (paragraph 三, 坚持从严管理), seeded into the catalog.

Each: code (a number, as the county numbers its rules), title, description, sort order. The county may edit or add rules afterwards; the seed
migration creates only those whose code is missing.
"""
SOURCE = "襄汾县委组织部《加强换届后乡镇领导班子思想政治建设》三、从严监督管理"

SEED = [
    ("01", "领导干部不得在企业、社团兼职",
     "严格执行领导干部不得在企业、社会团体兼职的有关规定；确需兼职的须按规定报批。", 10),
    ("02", "不得出入私人会所、接受和持有私人会所会员卡",
     "领导干部不得出入私人会所，不得接受和持有私人会所会员卡。", 20),
    ("03", "不得用公款相互宴请送礼",
     "不得用公款相互宴请、赠送礼品礼金。", 30),
    ("04", "不得利用职务便利和影响为亲属朋友办私事、打招呼、揽工程、搞推销",
     "不得利用职务便利和影响为亲属朋友办私事、打招呼、揽工程、搞推销。", 40),
    ("05", "严格执行工作、考勤、病事假和外出报备制度",
     "按规定考勤，病假、事假须经批准，离开辖区须事先外出报备。", 50),
    ("06", "严格执行乡镇干部住夜值班制度",
     "按排班住夜值班，不得擅自离岗、脱岗。", 60),
]

# The codes of the first release, English words that showed on the pages; migration 0008 renumbers them.
FORMER_CODES = {
    "no-concurrent-post": "01",
    "no-private-club": "02",
    "no-public-funds-banquet": "03",
    "no-favours": "04",
    "attendance-and-leave": "05",
    "overnight-duty": "06",
}
