"""The training topics the catalog is seeded with (the article's and the 2023 regulations' list).

Names are stored in Chinese, as the county uses them; the county edits, reorders or adds topics
on the topics page."""
SEED = [
    ("领导能力", 10),
    ("政治理论", 20),
    ("党的建设", 30),
    ("经济发展", 40),
    ("社会事业", 50),
    ("群众工作", 60),
    ("依法行政", 70),
    ("乡村振兴", 80),
    ("党风廉政", 90),
    ("应急管理", 100),
]
