"""A realistic demo organisation, so that a first run shows a living system."""

from __future__ import annotations

import random

from org.schemas import OrgImport

REGIONS = {
    ("EAST", "华东大区"): {
        ("SH", "上海分公司"): ["南京东路店", "徐家汇店", "五角场店", "陆家嘴店", "静安寺店"],
        ("HZ", "杭州分公司"): ["湖滨店", "西溪店", "滨江店", "武林店", "萧山店"],
    },
    ("SOUTH", "华南大区"): {
        ("GZ", "广州分公司"): ["天河城店", "北京路店", "番禺店", "白云店", "海珠店"],
        ("SZ", "深圳分公司"): ["华强北店", "南山店", "福田店", "宝安店", "龙岗店"],
    },
    ("NORTH", "华北大区"): {
        ("BJ", "北京分公司"): ["王府井店", "西单店", "三里屯店", "望京店", "中关村店"],
        ("TJ", "天津分公司"): ["滨江道店", "大悦城店", "河西店", "南开店", "塘沽店"],
    },
}
TEAM_NAMES = {
    "SH": "申城战狼队",
    "HZ": "西湖先锋队",
    "GZ": "羊城猛虎队",
    "SZ": "鹏城闪电队",
    "BJ": "京城铁军队",
    "TJ": "津门飞鹰队",
}

SURNAMES = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
    ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"),
    ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("林", "lin"),
    ("罗", "luo"), ("高", "gao"), ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"),
]  # fmt: skip
GIVEN = [
    ("婷", "ting"), ("芳", "fang"), ("静", "jing"), ("丽", "li"), ("敏", "min"), ("娜", "na"),
    ("雪", "xue"), ("琳", "lin"), ("颖", "ying"), ("佳", "jia"), ("欣", "xin"), ("悦", "yue"),
    ("伟", "wei"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("杰", "jie"), ("涛", "tao"),
    ("明", "ming"), ("超", "chao"), ("晨", "chen"), ("宇", "yu"), ("浩", "hao"), ("思", "si"),
    ("雨", "yu"), ("梦", "meng"), ("倩", "qian"), ("洁", "jie"), ("慧", "hui"), ("萍", "ping"),
]  # fmt: skip

GUIDES_PER_STORE = 10


def demo_org(seed: int = 2026) -> OrgImport:
    """3 regions, 6 branches, 30 stores, 300 guides with Chinese names, one PK team per branch.

    Each store's first guide is its 店长; the second guide of a branch's first store leads the branch.
    """
    rng = random.Random(seed)
    taken: set[str] = set()
    data: dict[str, list] = {"regions": [], "branches": [], "stores": [], "guides": [], "teams": [], "roles": []}
    for (region_code, region_name), branches in REGIONS.items():
        data["regions"].append({"code": region_code, "name": region_name})
        for (branch_code, branch_name), store_names in branches.items():
            data["branches"].append({"code": branch_code, "name": branch_name, "region": region_code})
            team = {"code": f"TEAM-{branch_code}", "name": TEAM_NAMES[branch_code], "members": []}
            for n, store_name in enumerate(store_names, 1):
                store_code = f"{branch_code}{n:02d}"
                data["stores"].append({"code": store_code, "name": store_name, "branch": branch_code})
                for place in range(GUIDES_PER_STORE):
                    name, userid = _unique_name(rng, taken)
                    data["guides"].append({"userid": userid, "name": name, "store": store_code})
                    team["members"].append(userid)
                    if place == 0:
                        data["roles"].append({"userid": userid, "role": "store_manager", "store": store_code})
                    if place == 1 and n == 1:
                        data["roles"].append({"userid": userid, "role": "branch_lead", "branch": branch_code})
            data["teams"].append(team)
    return OrgImport.model_validate(data)


def _unique_name(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    surname, surname_py = rng.choice(SURNAMES)
    given = rng.sample(GIVEN, rng.choice((1, 2)))
    name = surname + "".join(char for char, _ in given)
    base = surname_py + "".join(py for _, py in given)
    userid, n = base, 1
    while userid in taken:
        n += 1
        userid = f"{base}{n}"
    taken.add(userid)
    return name, userid
