"""Links an editor pastes for one page get one key; different pages keep different keys."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curation.normalize import arxiv_id, normalize_url

# (what an editor pasted, the key it must have)
SAME_PAGE = [
    # scheme, host case, www., default ports, trailing slash, fragment
    ("https://example.com/news/chip", "example.com/news/chip"),
    ("http://example.com/news/chip", "example.com/news/chip"),
    ("HTTPS://Example.COM/news/chip", "example.com/news/chip"),
    ("https://www.example.com/news/chip", "example.com/news/chip"),
    ("https://example.com:443/news/chip", "example.com/news/chip"),
    ("http://example.com:80/news/chip/", "example.com/news/chip"),
    ("https://example.com/news/chip#comments", "example.com/news/chip"),
    ("  https://example.com/news/chip  ", "example.com/news/chip"),
    ("https://example.com", "example.com"),
    ("https://example.com/", "example.com"),
    ("https://example.com:8443/x", "example.com:8443/x"),
    ("https://user:secret@example.com/x", "example.com/x"),
    ("https://example.com/a%7eb", "example.com/a~b"),
    ("https://example.com/a%2fb", "example.com/a%2Fb"),
    ("https://example.com//double//slash/", "example.com/double/slash"),
    # tracking parameters, parameter order
    ("https://example.com/p?utm_source=wechat&utm_medium=social", "example.com/p"),
    ("https://example.com/p?id=7&utm_campaign=x", "example.com/p?id=7"),
    ("https://example.com/p?b=2&a=1", "example.com/p?a=1&b=2"),
    ("https://example.com/p?spm=a2c6h.12873639&id=9", "example.com/p?id=9"),
    ("https://example.com/p?from=timeline&isappinstalled=0", "example.com/p"),
    ("https://example.com/p?fbclid=IwAR0abc", "example.com/p"),
    (
        "https://zhuanlan.zhihu.com/p/123456?utm_source=wechat_session&utm_id=0",
        "zhuanlan.zhihu.com/p/123456",
    ),
    (
        "https://www.zhihu.com/question/111/answer/222?utm_psn=1",
        "zhihu.com/question/111/answer/222",
    ),
    # hash routes name a page of a single-page site
    ("https://docs.example.com/#/guide/install", "docs.example.com#/guide/install"),
    ("https://docs.example.com/#/guide/install/", "docs.example.com#/guide/install"),
    # GitHub owner and repository names are case-insensitive
    ("https://github.com/ExampleOrg/TinyNet", "github.com/exampleorg/tinynet"),
    ("https://github.com/exampleorg/tinynet/", "github.com/exampleorg/tinynet"),
    ("https://github.com/ExampleOrg/TinyNet.git", "github.com/exampleorg/tinynet"),
    (
        "https://github.com/ExampleOrg/TinyNet/tree/main/Docs",
        "github.com/exampleorg/tinynet/tree/main/Docs",
    ),
    # WeChat permanent links: only __biz, mid, idx and sn identify the article
    (
        "https://mp.weixin.qq.com/s?__biz=MzI0NTEx==&mid=2247480001&idx=1&sn=0a1b2c3d",
        "mp.weixin.qq.com/s?__biz=MzI0NTEx==&idx=1&mid=2247480001&sn=0a1b2c3d",
    ),
    (
        "http://mp.weixin.qq.com/s?__biz=MzI0NTEx==&mid=2247480001&idx=1&sn=0a1b2c3d"
        "&chksm=e9d1f2a3b4c5&scene=21#wechat_redirect",
        "mp.weixin.qq.com/s?__biz=MzI0NTEx==&idx=1&mid=2247480001&sn=0a1b2c3d",
    ),
    (
        "https://mp.weixin.qq.com/s?__biz=MzI0NTEx==&mid=2247480001&idx=1&sn=0a1b2c3d"
        "&chksm=aa&scene=126&sessionid=1600000000&key=abc&ascene=1&uin=MTIz&devicetype=iOS14"
        "&version=18000&lang=zh_CN&exportkey=AbC&pass_ticket=xyz&wx_header=0",
        "mp.weixin.qq.com/s?__biz=MzI0NTEx==&idx=1&mid=2247480001&sn=0a1b2c3d",
    ),
    (
        "https://mp.weixin.qq.com/s?__biz=MzI0NTEx==&mid=2247480001&idx=1&sn=0a1b2c3d"
        "&sharer_sharetime=1600000000&sharer_shareid=abc&timestamp=1600000001&signature=sig",
        "mp.weixin.qq.com/s?__biz=MzI0NTEx==&idx=1&mid=2247480001&sn=0a1b2c3d",
    ),
    (
        "https://mp.weixin.qq.com/s?mid=2247480001&sn=0a1b2c3d&idx=1&__biz=MzI0NTEx==",
        "mp.weixin.qq.com/s?__biz=MzI0NTEx==&idx=1&mid=2247480001&sn=0a1b2c3d",
    ),
    (
        "https://mp.weixin.qq.com/s/Xy1-AbCdEfGhIjKlMnOpQr",
        "mp.weixin.qq.com/s/Xy1-AbCdEfGhIjKlMnOpQr",
    ),
    (
        "https://mp.weixin.qq.com/s/Xy1-AbCdEfGhIjKlMnOpQr?scene=25#wechat_redirect",
        "mp.weixin.qq.com/s/Xy1-AbCdEfGhIjKlMnOpQr",
    ),
    (
        "http://mp.weixin.qq.com/s/Xy1-AbCdEfGhIjKlMnOpQr/",
        "mp.weixin.qq.com/s/Xy1-AbCdEfGhIjKlMnOpQr",
    ),
    # WeChat temporary links: the signature is all that names the article
    (
        "https://mp.weixin.qq.com/s?timestamp=1600000000&src=3&ver=1&signature=Ab*Cd-Ef=&chksm=1",
        "mp.weixin.qq.com/s?signature=Ab*Cd-Ef=&src=3&timestamp=1600000000&ver=1",
    ),
    # arXiv: abs, pdf, .pdf, versions, html, export mirror, old-style ids
    ("https://arxiv.org/abs/2401.01234", "arxiv.org/abs/2401.01234"),
    ("https://arxiv.org/abs/2401.01234v2", "arxiv.org/abs/2401.01234"),
    ("http://arxiv.org/pdf/2401.01234", "arxiv.org/abs/2401.01234"),
    ("https://arxiv.org/pdf/2401.01234.pdf", "arxiv.org/abs/2401.01234"),
    ("https://arxiv.org/pdf/2401.01234v3.pdf", "arxiv.org/abs/2401.01234"),
    ("https://arxiv.org/pdf/2401.01234v3", "arxiv.org/abs/2401.01234"),
    ("https://www.arxiv.org/abs/2401.01234/", "arxiv.org/abs/2401.01234"),
    ("https://export.arxiv.org/abs/2401.01234v1", "arxiv.org/abs/2401.01234"),
    ("https://arxiv.org/html/2401.01234v1", "arxiv.org/abs/2401.01234"),
    ("https://arxiv.org/abs/1812.00332?context=cs.CV", "arxiv.org/abs/1812.00332"),
    ("https://arxiv.org/abs/1905.1234", "arxiv.org/abs/1905.1234"),
    ("https://arxiv.org/pdf/1905.1234.pdf", "arxiv.org/abs/1905.1234"),
    ("https://arxiv.org/abs/cs/0112017v1", "arxiv.org/abs/cs/0112017"),
    ("https://arxiv.org/pdf/hep-th/9901001.pdf", "arxiv.org/abs/hep-th/9901001"),
    # internationalised host names
    ("https://例子.测试/文章", "xn--fsqu00a.xn--0zwm56d/文章"),
]

DIFFERENT_PAGES = [
    ("https://example.com/p?id=1", "https://example.com/p?id=2"),
    ("https://example.com/a", "https://example.org/a"),
    ("https://example.com/Docs", "https://example.com/docs"),
    ("https://arxiv.org/abs/2401.01234", "https://arxiv.org/abs/2401.01235"),
    ("https://arxiv.org/list/cs.LG/recent", "https://arxiv.org/list/cs.CV/recent"),
    (
        "https://mp.weixin.qq.com/s?__biz=MzI0NTEx==&mid=2247480001&idx=1&sn=0a1b2c3d",
        "https://mp.weixin.qq.com/s?__biz=MzI0NTEx==&mid=2247480001&idx=2&sn=9f8e7d6c",
    ),
    # Two temporary WeChat links to different articles must not collapse into one.
    (
        "https://mp.weixin.qq.com/s?timestamp=1600000000&src=3&ver=1&signature=AAAA",
        "https://mp.weixin.qq.com/s?timestamp=1600000000&src=3&ver=1&signature=BBBB",
    ),
    ("https://mp.weixin.qq.com/s/AbCdEf", "https://mp.weixin.qq.com/s/abcdef"),
    ("https://github.com/org/repo", "https://github.com/org/repo/issues/1"),
    ("https://example.com/#section", "https://example.com/#/section"),
]

NOT_WEB_LINKS = [
    "",
    "   ",
    "javascript:alert(1)",
    "mailto:a@example.com",
    "ftp://example.com/x",
    "例子",
    "https://",
    "http://[::1",
]


def test_the_table_holds_at_least_forty_real_world_variants():
    assert len(SAME_PAGE) >= 40


@pytest.mark.parametrize(("url", "key"), SAME_PAGE)
def test_variants_of_one_page_share_its_key(url, key):
    assert normalize_url(url) == key


@pytest.mark.parametrize(("first", "second"), DIFFERENT_PAGES)
def test_different_pages_keep_different_keys(first, second):
    assert normalize_url(first) != normalize_url(second)


@pytest.mark.parametrize("text", NOT_WEB_LINKS)
def test_anything_but_a_web_link_has_no_key(text):
    assert normalize_url(text) == ""


@pytest.mark.parametrize(
    ("url", "identifier"),
    [
        ("https://arxiv.org/abs/2401.01234v2", "2401.01234"),
        ("https://arxiv.org/pdf/1812.00332.pdf", "1812.00332"),
        ("https://arxiv.org/abs/cs/0112017", "cs/0112017"),
        ("https://arxiv.org/list/cs.LG/recent", ""),
        ("https://example.com/abs/2401.01234", ""),
    ],
)
def test_arxiv_links_give_their_identifier(url, identifier):
    assert arxiv_id(url) == identifier


urls = st.builds(
    lambda scheme, host, path, query, fragment: f"{scheme}://{host}{path}{query}{fragment}",
    st.sampled_from(["http", "https", "HTTPS"]),
    st.sampled_from(
        [
            "example.com",
            "WWW.Example.com",
            "mp.weixin.qq.com",
            "arxiv.org",
            "github.com",
            "a.b:8080",
        ]
    ),
    st.text(alphabet="/abcXYZ09.-_~%é", max_size=20).map(lambda p: "/" + p),
    st.lists(
        st.tuples(
            st.sampled_from(["id", "utm_source", "sn", "__biz", "chksm", "a", "from", "Q"]),
            st.text(alphabet="abc123=*-+%&", max_size=6),
        ),
        max_size=4,
    ).map(lambda pairs: ("?" + "&".join(f"{k}={v}" for k, v in pairs)) if pairs else ""),
    st.sampled_from(["", "#top", "#/route/", "#!x"]),
)


@given(urls)
def test_a_key_is_its_own_key(url):
    key = normalize_url(url)
    assert key
    assert normalize_url("https://" + key) == key


@given(urls, st.text(alphabet="abc123", max_size=8))
def test_tracking_parameters_never_change_the_key(url, campaign):
    separator = "&" if "?" in url.split("#")[0] else "?"
    base, hash_mark, fragment = url.partition("#")
    tracked = f"{base}{separator}utm_campaign={campaign}{hash_mark}{fragment}"
    assert normalize_url(tracked) == normalize_url(url)


@given(st.text(max_size=200))
def test_any_text_gives_a_key_or_nothing_without_error(text):
    assert isinstance(normalize_url(text), str)
