"""Give the comparison site's home page 30 entries in 4 sections (run by ``manage.py shell``)."""

from home.models import HomePage

SECTIONS = {"业界新闻": 8, "论文": 8, "开源项目": 7, "博文": 7}
SUMMARY = "一段示例摘要：在微控制器上部署小型模型，讲量化、剪枝和算子融合，附实测数字。"

page = HomePage.objects.live().first()
body = []
for section, count in SECTIONS.items():
    body.append(("heading", section))
    for number in range(1, count + 1):
        entry = {
            "label": "示例",
            "title": f"{section}示例条目 {number}：端侧推理框架的新版本",
            "source": "示例来源",
            "url": f"https://example.com/{number}",
            "summary": f"<p>{SUMMARY * 3}</p>",
        }
        body.append(("entry", entry))
page.lead = "<p>" + "本期导读：示例文字，端侧推理框架迎来多次更新。" * 5 + "</p>"
page.body = body
page.save_revision().publish()
print(sum(SECTIONS.values()), "entries")
