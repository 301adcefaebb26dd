"""The discipline rules the article names (paragraph 三, 坚持从严管理), seeded into the catalog.

Each: code, title, description, sort order. The county may edit or add rules afterwards; the seed
migration creates only those whose code is missing.
"""
SOURCE = "襄汾县委组织部《加强换届后乡镇领导班子思想政治建设》三、从严监督管理"

SEED = [
    ("no-concurrent-post", "领导干部不得在企业、社团兼职",
     "严格执行领导干部不得在企业、社会团体兼职的有关规定；确需兼职的须按规定报批。", 10),
    ("no-private-club", "不得出入私人会所、接受和持有私人会所会员卡",
     "领导干部不得出入私人会所，不得接受和持有私人会所会员卡。", 20),
    ("no-public-funds-banquet", "不得用公款相互宴请送礼",
     "不得用公款相互宴请、赠送礼品礼金。", 30),
    ("no-favours", "不得利用职务便利和影响为亲属朋友办私事、打招呼、揽工程、搞推销",
     "不得利用职务便利和影响为亲属朋友办私事、打招呼、揽工程、搞推销。", 40),
    ("attendance-and-leave", "严格执行工作、考勤、病事假和外出报备制度",
     "按规定考勤，病假、事假须经批准，离开辖区须事先外出报备。", 50),
    ("overnight-duty", "严格执行乡镇干部住夜值班制度",
     "按排班住夜值班，不得擅自离岗、脱岗。", 60),
]
