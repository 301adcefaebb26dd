"""The keys of the nine lead-by-example duties (九个带头), as seeded from the article.

Credit providers in other apps name the duty they prove with one of these constants.
"""
TOPICAL_DISCUSSION = "topical_discussion"  # 带头开展专题讨论
VILLAGE_STUDY = "village_study"  # 带头指导包村党组织学习
PARTY_LECTURE = "party_lecture"  # 带头讲专题党课
THEME_PARTY_DAY = "theme_party_day"  # 带头参加支部主题党日活动
DUAL_ORG_LIFE = "dual_org_life"  # 带头过双重组织生活
DEMOCRATIC_APPRAISAL = "democratic_appraisal"  # 带头开展民主评议
POVERTY_ALLEVIATION = "poverty_alleviation"  # 带头推进精准脱贫
LIAISON_POINT = "liaison_point"  # 带头指导联系点工作
RECTIFICATION = "rectification"  # 带头抓好整改落实立规执纪

# (key, name shown, sort order): the article's wording, in its order.
SEED = [
    (TOPICAL_DISCUSSION, "带头开展专题讨论", 10),
    (VILLAGE_STUDY, "带头指导包村党组织学习", 20),
    (PARTY_LECTURE, "带头讲专题党课", 30),
    (THEME_PARTY_DAY, "带头参加支部主题党日活动", 40),
    (DUAL_ORG_LIFE, "带头过双重组织生活", 50),
    (DEMOCRATIC_APPRAISAL, "带头开展民主评议", 60),
    (POVERTY_ALLEVIATION, "带头推进精准脱贫", 70),
    (LIAISON_POINT, "带头指导联系点工作", 80),
    (RECTIFICATION, "带头抓好整改落实立规执纪", 90),
]
