"""The site-template families, as data: where each page's chrome comes from and the markup of
listing rows, pagers and article blocks.

Chrome (head, nav, header, footer, sidebars) is cut out of the real saved pages in
``simcongress/data/pages`` (see ``CHROMES``); rows and article blocks reproduce the real markup of
the family (copied from the fixture named in the comment) with ``str.format`` placeholders:

rows     ``{link}`` path the row links to, ``{url}`` same, absolute, ``{link_rel}`` same,
         relative to the listing's folder, ``{base}``, ``{title}``,
         ``{teaser}``, ``{date.<format>}`` (see ``render.Dates``), ``{i}`` (0-based), ``{i1}``,
         ``{parity}`` (odd/even), ``{listing}`` listing path, ``{guid}``
pager    ``{next}`` (the ``next`` template, empty on the last page), ``{page1}`` (1-based)
next     ``{next_href}`` (path), ``{next_query}`` (the part after the listing path)
article  ``{title}``, ``{date.<format>}``, ``{body}`` (``<p>`` paragraphs), ``{share}``,
         ``{comments}``, ``{related}``, ``{newsletter}``, ``{offices}``, ``{url}``, ``{listing}``,
         ``{guid}``
All values are HTML-escaped before they are substituted.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Chrome:
    """A real page with its content region cut out.

    The region runs from the first ``start`` to the end of ``end`` (strings found in sequence
    after ``start``) and becomes the ``content`` slot. ``subs`` are further literal replacements
    whose new text may hold ``⟦slot⟧`` markers. ``ours`` pages live in ``chrome/`` beside this
    file: typical markup for a CMS no saved page shows.
    """

    fixture: str
    start: str
    end: tuple[str, ...]
    subs: tuple[tuple[str, str], ...] = ()
    ours: bool = False  # the page is ours (chrome/), not a saved real page


@dataclass(frozen=True)
class Family:
    name: str
    chamber: str
    listing_path: str
    article_path: str  # format: {slug} {y} {m} {mm} {dd} {n} {guid}
    listing_chrome: str
    article_chrome: str
    article: str  # article block template
    rows: tuple[str, ...] = ()  # real row variants; Site.variant picks one
    listing: str = "{rows}{pager}"  # wrapper of rows and pager
    listing_variants: tuple[str, ...] = ()  # wrappers of the 2nd, 3rd... row variants
    pager: str = "{next}"
    next: str = ""
    page_url: str = "{path}?page={n}"  # format: {path} {n}
    first_page: int = 1  # number of the first page in page_url (Drupal counts from 0)
    past_end: str = "empty"  # what a page past the last one answers: loop | empty | 404
    link_path: str | None = None  # listings link here instead of article_path (format as above)
    article_meta_date: bool = False  # meta article:published_time on article pages
    feed: str | None = None  # feed template name (FEEDS) served at feed_path
    feed_path: str | None = None
    feed_is_source: bool = False  # the feed is the press source (rss, atom families)
    sources: dict[str, str] = field(default_factory=dict)  # where each part's markup came from


# --------------------------------------------------------------------------------------------
# Chrome: real pages with their content region cut out.


CHROMES: dict[str, Chrome] = {
    # House Drupal 10 "evo": Meeks's press listing and Barry Moore's release page.
    "evo-listing": Chrome(
        "list_drupal_evo.html",
        '<div class="evo-views-row-container">',
        ('aria-labelledby="pagination-heading"', "</nav>"),
    ),
    "evo-article": Chrome(
        "item_drupal.html",
        '<div class="block block--evo-drupaltheme-62-page-title">',
        ("</article>", "</div>"),
        subs=(
            (
                "path-media-press-releases-rep-barry-moore-introduces-legislation-relocate-"
                "federal-facilities-sanctuary",
                "path-media-press-releases",
            ),
        ),
    ),
    # House ASP.NET documentquery: Houlahan's press listing (its ContentCell holds articles too).
    "aspx-listing": Chrome(
        "list_aspx_spandate.html", '<div id="newsdoclist"', ('class="newspagelinks"', "</div>")
    ),
    "aspx-article": Chrome(
        "list_aspx_spandate.html",
        '<div id="newsfilterlist">',
        ('class="newspagelinks"', "</div>"),
        subs=(
            (
                '<span id="ctl00_PageLink">Press Releases</span>',
                '<span id="ctl00_PageLink">⟦title⟧</span>',
            ),
        ),
    ),
    # House Drupal 7 congress_omega (Butterfield, Walz): host the recordList and digest views.
    "butterfield-listing": Chrome(
        "butterfield_press.html",
        '<div class="view-content">',
        ('<div class="item-list">', "</div>"),
    ),
    "butterfield-article": Chrome(
        "butterfield_press.html",
        '<h1 class="title" id="page-title">',
        ('<div class="item-list">', "</div>"),
    ),
    "walz-listing": Chrome(
        "drupal_press.html", '<div class="view-content">', ('<div class="item-list">', "</div>")
    ),
    "walz-article": Chrome(
        "drupal_press.html",
        '<h1 class="title" id="page-title">',
        ('<div class="item-list">', "</div>"),
    ),
    # Vendor "accounts" platform: Norcross's release page (the listing uses the same layout).
    "vendor": Chrome(
        "item_guid.html", '<div id="group_', ("</article>", "</div>", "</div>", "</div>")
    ),
    # Senate custom ColdFusion, PageNum_rs pager: Rand Paul's #newscontent listing.
    "randpaul-listing": Chrome(
        "rand_paul_press.html", '<div id="newscontent">', ('<ul class="pager">', "</ul>")
    ),
    "randpaul-article": Chrome(
        "rand_paul_press.html", '<h1 class="main_page_title">', ('<ul class="pager">', "</ul>")
    ),
    # Senate modernizr/cachebuster template (Cowan, Vitter), also a PageNum_rs platform.
    "cowan-listing": Chrome(
        "cowan_press.html", '<table class="table table-striped">', ('<ul class="pager">', "</ul>")
    ),
    "cowan-article": Chrome(
        "cowan_press.html", "<h1>Press Releases</h1>", ('<ul class="pager">', "</ul>")
    ),
    "vitter-listing": Chrome(
        "vitter_press.html", '<table class="table table-striped">', ('<ul class="pager">', "</ul>")
    ),
    "vitter-article": Chrome(
        "vitter_press.html", "<h1>Press Releases</h1>", ('<ul class="pager">', "</ul>")
    ),
    # Senate ColdFusion (Dreamweaver News.dwt.cfm): Bill Nelson's media page.
    "coldfusion": Chrome(
        "bill_nelson_press-coldfusion.html",
        '<!-- InstanceBeginEditable name="pgCopy" -->',
        ("<!-- InstanceEndEditable -->",),
    ),
    # WordPress (Divi / Elementor / JetEngine): no saved page; typical theme markup.
    "wordpress": Chrome("wordpress.html", "<!-- content -->", (), ours=True),
}

# --------------------------------------------------------------------------------------------
# Shared article pieces.

_EVO_ARTICLE = (  # item_drupal.html
    '<div class="block block--evo-drupaltheme-62-page-title"><h1 class="display-4"><span>{title}'
    '</span></h1></div>{share}<div class="block block--evo-drupaltheme-62-content"><article '
    'class="node evo-press-release evo-press-release--full"><div><div  class="row evo-create-type">'
    '<div class="col-auto">{date.long} </div><div class="col-auto"><a href="{listing}" alt="View '
    'Press Release listings">Press Release</a></div></div><div class="evo-press-release__body">'
    "{body}</div></div></article></div>{comments}{related}{newsletter}{offices}"
)

_VENDOR_ARTICLE = (  # item_guid.html (body in div.bodycopy: the real page uses <br><br>)
    '<div id="group_{guid}" class="pagegroup pagegroup_posttypes odd first last">\n'
    '<div class="section posttypelayout_digest">\n<div class="element element_posttypes">\n'
    '<article class="post clearfix" id="post_{guid}">\n<a name="{guid}"></a>\n'
    '<div class="header">\n<h1 class="title"><a href="/press-releases?ID={guid}">{title}</a></h1>\n'
    '\t\t<h4>\n\t\t\t\t<span class="date">{date.long}</span>\n\t\t</h4>\n</div>\n{share}\n'
    '<div class="post-body">\n<div class="content">\n\t\t<div class="post-content bodycopy">\n'
    '{body}\n</div>\n\t\t\t<div class="nodecontents">\n</div>\n</div>\n'
    '<div class="clear"></div>\n<div class="foot clear clearfix">\n\t<p class="permalink">'
    'Permalink: <a href="{url}">{url}</a></p>\n</div>\n</div>\n</article>\n'
    "{comments}{related}{newsletter}{offices}\n</div>\n</div>\n</div>"
)

_WP_ARTICLE = (  # WordPress Divi single post
    '<article id="post-{n}" class="et_pb_post post-{n} post type-post status-publish '
    'format-standard hentry category-press-releases">\n<div class="et_post_meta_wrapper">\n'
    '<h1 class="entry-title">{title}</h1>\n<p class="post-meta"><span class="published">'
    '{date.abbr}</span> | <a href="{listing}" rel="category tag">Press Releases</a></p>\n'
    '{share}\n</div>\n<div class="entry-content">\n{body}\n</div>\n'
    "{comments}\n</article>\n{related}{newsletter}{offices}"
)

_ELEMENTOR_ARTICLE = (  # Elementor Pro single-post template
    '<div data-elementor-type="single-post" data-elementor-id="412" class="elementor elementor-412'
    ' elementor-location-single post-{n} post type-post status-publish">\n'
    '<div class="elementor-element e-con-full e-flex e-con e-parent" data-element_type="container">'
    '\n<div class="elementor-element elementor-widget elementor-widget-theme-post-title '
    'elementor-page-title elementor-widget-heading" data-widget_type="theme-post-title.default">\n'
    '<div class="elementor-widget-container">\n<h1 class="elementor-heading-title elementor-size-'
    'default">{title}</h1></div>\n</div>\n<div class="elementor-element elementor-widget '
    'elementor-widget-post-info" data-widget_type="post-info.default">\n<div class="elementor-'
    'widget-container">\n<ul class="elementor-inline-items elementor-icon-list-items '
    'elementor-post-info">\n<li class="elementor-icon-list-item elementor-inline-item" '
    'itemprop="datePublished">\n'
    '<span class="elementor-icon-list-text elementor-post-info__item elementor-post-info__item--'
    'type-date"><time>{date.long}</time></span>\n</li>\n</ul>\n</div>\n</div>\n{share}\n'
    '<div class="elementor-element elementor-widget elementor-widget-theme-post-content" '
    'data-widget_type="theme-post-content.default">\n<div class="elementor-widget-container">\n'
    "{body}\n</div>\n</div>\n{comments}\n</div>\n</div>\n{related}{newsletter}{offices}"
)

_DRUPAL7_ARTICLE = (  # Drupal 7 congress_omega node page (Butterfield, Walz)
    '<h1 class="title" id="page-title">{title}</h1>\n<div class="block block-system block-main">'
    '\n<div class="block-inner clearfix">\n<div class="content clearfix">\n<article class="node '
    'node-congress-press-release node-full clearfix">\n{share}\n<div class="field field-name-'
    'field-congress-date field-type-datetime"><span class="date-display-single">{date.abbr}'
    '</span></div>\n<div class="field field-name-body field--name-body field-type-text-with-summary'
    '">\n{body}\n</div>\n</article>\n{comments}</div>\n</div>\n</div>\n{related}{newsletter}{offices}'
)

# --------------------------------------------------------------------------------------------
# The families.

_HOUSE_EVO = Family(
    name="house-evo",
    chamber="house",
    listing_path="/media/press-releases",
    article_path="/media/press-releases/{slug}",
    listing_chrome="evo-listing",
    article_chrome="evo-article",
    listing='<div class="evo-views-row-container">{rows}</div></div>{pager}',
    rows=(
        # list_drupal_evo.html (Meeks): evo-card with a teaser in .evo-press-release__body
        '<div class="views-row evo-views-row views-row-{i}"><div class="card evo-card mb-4"><div '
        'class="card-body evo-card-content"><div class="evo-card-title"><a class="h4" '
        'href="{link}">{title}</a></div><div class="evo-card-date-bundle"><div '
        'class="evo-card-date '
        'evo-card-inline"><span>{date.long}</span></div><span class="separator">|</span><div '
        'class="evo-card-bundle evo-card-inline"><div class="col-auto"><a href="{listing}" '
        'alt="View Press Release listings">Press Release</a></div></div></div><div class="evo-card-'
        'body"><div class="evo-press-release__body"><p>{teaser}</p></div></div><div class="evo-'
        'card-issues"><div class="evo-press-release__field-evo-issues"><span class="field__label '
        'font-weight-bold">\n      Issues<span class="field__label__suffix mr-2">:</span></span>'
        '<span class="field__items"><span class="field__item mr-2"><a href="/issues/economy" '
        'hreflang="en">Economy</a></span></span></div></div><div class="evo-read-more"><a '
        'href="{link}" aria-label="Read more about {title}" class="btn btn-primary">Read More</a>'
        "</div></div></div></div>",
        # rep-obernolte-press.html: div.media-body, div.h3 title
        '<div class="media-body"><div class="h3 mt-0 font-weight-bold"><a href="{link}">{title}'
        '</a></div><div><div class="row"><div class="col-auto">{date.long} </div><div class='
        '"col-auto"><a alt="View Press Release listings" href="{listing}">Press Release</a></div>'
        '</div><div class="evo-press-release__field-evo-issues"><span class="field__label '
        'font-weight-bold">\n      Issues<span class="field__label__suffix mr-2">:</span></span>'
        '<span class="field__items"><span class="field__item mr-2"><a href="/issues/economy" '
        'hreflang="en">Economy</a></span></span></div></div></div>\n',
        # rep-subramanyam-press.html: div.evo-media-object, div.h5 title
        '<div class="media evo-media-object mt-2 mb-4">\n<div class="media-body">\n<div class="h5 '
        'my-0 font-weight-bold">\n<a href="{link}">{title}</a>\n</div>\n<div>\n<div class="row">\n'
        '<div class="col-auto">{date.long} </div><div class="col-auto"><a alt="View Press Release '
        'listings" href="{listing}">Press Release</a></div>\n</div>\n\n</div>\n</div>\n</div>\n',
    ),
    pager=(  # list_drupal_evo.html
        '<nav class="" role="navigation" aria-labelledby="pagination-heading"><div id="pagination-'
        'heading" class="h4 visually-hidden">Pagination</div><ul class="pagination pager__items '
        'js-pager__items  justify-content-center"><li class="page-item pager__item is-active '
        'active"><a href="?page={cur_n}" title="Current page" aria-current="page" '
        'class="page-link"><span class="visually-hidden">\n              Current page\n'
        "            </span>{page1}</a>"
        "</li>{next}</ul></nav>"
    ),
    next=(
        '<li class="page-item pager__item pager__item--next"><a href="{next_href}" title="Go to '
        'next page" rel="next" class="page-link"><span class="visually-hidden">Next page</span>'
        '<span aria-hidden="true">››</span></a></li>'
    ),
    page_url="{path}?page={n}",
    first_page=0,
    past_end="empty",
    article=_EVO_ARTICLE,
    article_meta_date=True,
    feed="rss-drupal",
    feed_path="/rss.xml",
    sources={
        "listing": "list_drupal_evo.html (chrome, evo-card rows, pager); rows also from "
        "rep-obernolte-press.html and rep-subramanyam-press.html",
        "article": "item_drupal.html",
        "feed": "ruiz_rss.xml",
    },
)

_HOUSE_DOCUMENTQUERY = Family(
    name="house-documentquery",
    chamber="house",
    listing_path="/news/documentquery.aspx?DocumentTypeID=27",
    article_path="/news/documentsingle.aspx?DocumentID={n}",
    listing_chrome="aspx-listing",
    article_chrome="aspx-article",
    listing='<div id="newsdoclist" class="press-iblock">\n  {rows}\n  <span class="errormsg">'
    "</span>\n</div>\n\n{pager}",
    rows=(  # list_aspx_spandate.html: article.newsblocker, year-less span.date, " /news/..." href
        '\n      <article class="newsblocker">\n        <div class="press-item newsie-content">\n'
        '          <div class="p-image news-imagewrap">\n            <div class="press-img" '
        'style="background-image: url(/images/facebook-meta2.jpg)"></div>\n          </div>\n'
        '          <div class="p-body newsbody">\n            <div class="press-heading">\n'
        '              <span class="date">{date.month_span}</span>\n              <strong '
        'class="title"><a href=" {link}">{title}</a></strong>\n            </div>\n'
        '            <div class="press-content">\n              <p>\n              {teaser}\n'
        '              </p>\n            </div>\n            <a href="{link}" class="read-more">'
        "Read More</a>\n          </div>\n        </div>\n      </article>\n    ",
        # documentquery sites with time[datetime] and h2 titles linked relative to /news/
        '<article class="newsblocker">\n  <h2 class="newsie-titler"><a href="{link_rel}">{title}'
        '</a></h2>\n  <div class="newsie-details"><time datetime="{date.iso}">{date.long}</time>'
        '</div>\n  <div class="newsbody"><p>{teaser}</p></div>\n</article>\n',
        # brady_press.html: ul.UnorderedNewsList, relative links, "Posted in ... on <date> |"
        '\n      <li>\n        <a href="{link_rel}" class="middleheadline">\n        {title}\n'
        "      </a><br />\n      Posted in Press Releases on {date.long} |\n      <a "
        'rel="preview.aspx?DocumentID={n}" class="preview">Preview <span class="previewicon">rr'
        "</span></a><br />\n\n      </li>\n",
    ),
    listing_variants=(
        '<div id="newsdoclist" class="press-iblock">\n{rows}</div>\n\n{pager}',
        '<div class="middlecopy">\n\n      <ul class="UnorderedNewsList">\n{rows}\n      </ul>\n'
        "</div>\n{pager}",
    ),
    pager='<div id="ctl00_ctl19_NewsListNavLinks2" class="newspagelinks">\n  &nbsp;\n  {next}\n'
    "</div>",
    next='<a id="ctl00_ctl19_LinkNext2" class="prevnexter" href="{next_href}">Next »</a>',
    page_url="{path}&Page={n}",
    first_page=1,
    past_end="empty",
    article=(  # documentsingle.aspx: date only in text, body in div.bodycopy
        '<div id="press" class="documentsingle">\n  <div class="newsie-titler">\n'
        '    <h2 class="newsie-titler">{title}</h2>\n  </div>\n  <div class="newsie-details">\n'
        '    <span class="topnewstext"><b>Washington, {date.long}</b></span>\n  </div>\n'
        '  {share}\n  <div class="bodycopy">\n{body}\n  </div>\n{comments}\n</div>\n'
        "{related}{newsletter}{offices}"
    ),
    feed="rss-net",
    feed_path="/news/rss.aspx",
    sources={
        "listing": "list_aspx_spandate.html (chrome, rows, Next link); variant 1 time[datetime] "
        "rows written; variant 2 brady_press.html rows",
        "article": "list_aspx_spandate.html chrome; documentsingle block written (div.bodycopy)",
        "feed": "rep-trahan-press.xml",
    },
)

_RECORDLIST = Family(
    name="recordlist",
    chamber="house",
    listing_path="/press-releases",
    article_path="/press-releases/{slug}",
    listing_chrome="butterfield-listing",
    article_chrome="butterfield-article",
    listing='<div class="view-content">\n<table class="recordList" summary="Press Releases">\n'
    '<thead><tr><th class="recordListDate">Date</th><th class="recordListTitle">Title</th></tr>'
    "</thead>\n<tbody>\n{rows}</tbody>\n</table>\n</div>\n"
    '<h2 class="element-invisible">Pages</h2><div class="item-list">{pager}</div>',
    rows=(  # ColdFusion-era recordList table (no saved page): date cell, title in the 2nd cell
        '<tr class="{parity}">\n  <td class="recordListDate">{date.slash_short}</td>\n'
        '  <td class="recordListTitle"><a href="{link}">{title}</a></td>\n</tr>\n',
    ),
    pager='<ul class="pager clearfix"><li class="pager-current first">{page1}</li>{next}</ul>',
    next='<li class="pager-next"><a title="Go to next page" href="{next_href}">next ›</a></li>',
    page_url="{path}?page={n}",
    first_page=1,
    past_end="loop",
    article=_DRUPAL7_ARTICLE,
    sources={
        "listing": "butterfield_press.html chrome and pager; recordList table written",
        "article": "butterfield_press.html chrome; node block written (div.field--name-body)",
    },
)

_VENDOR_GUID = Family(
    name="vendor-guid",
    chamber="house",
    listing_path="/press-releases",
    article_path="/{y}/{m}/{slug}",
    link_path="/press-releases?ID={guid}",
    listing_chrome="vendor",
    article_chrome="vendor",
    listing='<div id="group_listing" class="pagegroup pagegroup_posttypes odd first last">\n'
    '<div class="section posttypelayout_digest">\n{rows}\n{pager}\n</div>\n</div>',
    rows=(  # item_guid.html: article.post digest entry linking ?ID=<GUID>
        '<div class="element element_posttypes">\n<article class="post clearfix" id="post_{guid}">'
        '\n<a name="{guid}"></a>\n<div class="header">\n<h2 class="title"><a href="{link}">{title}'
        '</a></h2>\n\t\t<h4>\n\t\t\t\t<span class="date">{date.long}</span>\n\t\t</h4>\n</div>\n'
        '<div class="post-body">\n<div class="content">\n\t\t<div class="post-content">{teaser}'
        "</div>\n</div>\n</div>\n</article>\n</div>\n",
    ),
    pager='<div class="pagination">\n<ul class="pager">{next}</ul>\n</div>',
    next='<li class="next"><a href="{next_href}">Next</a></li>',
    page_url="{path}?page={n}",
    first_page=1,
    past_end="empty",
    article=_VENDOR_ARTICLE,
    article_meta_date=True,
    sources={
        "listing": "item_guid.html chrome and article.post markup",
        "article": "item_guid.html (canonical /YYYY/M/slug, listing links ?ID=GUID)",
    },
)

_NEWSCONTENT = Family(
    name="newscontent",
    chamber="senate",
    listing_path="/news/press",
    article_path="/news/press/{slug}",
    listing_chrome="randpaul-listing",
    article_chrome="randpaul-article",
    listing='<div id="newscontent">\n\n        <div id="press">\n\n          <!-- googleoff:all -->'
    "\n{rows}\n        </div>\n      </div>\n{pager}",
    rows=(  # rand_paul_press.html: span.date, then h2.title two nodes later
        '\n            <span class="date black">{date.dotted_short}</span>\n            <h2 '
        'class="title"><a href="{link}">{title}</a></h2>\n\n              <p class="summary">'
        '{teaser}&nbsp;<a href="{link}">Continue&nbsp;Reading</a></p>\n\n              <hr>\n',
    ),
    pager='<ul class="pager">\n\n\n    {next}\n\n</ul>',
    next='<li class="next"><a class="btn btn-small" href="{next_href}&">next&nbsp;&raquo;</a></li>',
    page_url="{path}?PageNum_rs={n}",
    first_page=1,
    past_end="loop",
    article=(
        '<h1 class="main_page_title">{title}</h1>\n<div class="row">\n<div class="col-sm-12">\n'
        '<span class="date black">{date.long}</span>\n{share}\n<div id="press">\n'
        '<div class="field field--name-body">\n{body}\n</div>\n</div>\n{comments}\n</div>\n</div>\n'
        "{related}{newsletter}{offices}"
    ),
    sources={
        "listing": "rand_paul_press.html (chrome, rows, PageNum_rs pager)",
        "article": "rand_paul_press.html chrome; block written (div.field--name-body)",
    },
)

_MEDIA_DIGEST = Family(
    name="media-digest",
    chamber="house",
    listing_path="/news/press-releases",
    article_path="/news/press-releases/{slug}",
    listing_chrome="walz-listing",
    article_chrome="walz-article",
    listing='<div class="view-content">\n{rows}</div>\n<h2 class="element-invisible">Pages</h2>'
    '<div class="item-list">{pager}</div>',
    rows=(  # media digest view (no saved page): year-less dates
        '<div class="post-media-digest views-row views-row-{i1} views-row-{parity}">\n'
        '  <div class="post-media-digest-date">{date.abbr_noyear}</div>\n'
        '  <h3 class="post-media-digest-title"><a href="{link}">{title}</a></h3>\n'
        '  <div class="post-media-digest-teaser">{teaser}</div>\n</div>\n',
    ),
    pager='<ul class="pager clearfix"><li class="pager-current first">{page1}</li>{next}</ul>',
    next='<li class="pager-next"><a title="Go to next page" href="{next_href}">next ›</a></li>',
    page_url="{path}?page={n}",
    first_page=0,
    past_end="empty",
    article=_DRUPAL7_ARTICLE,
    article_meta_date=True,
    sources={
        "listing": "drupal_press.html chrome and pager; digest rows written",
        "article": "drupal_press.html chrome; node block written (div.field--name-body)",
    },
)

_WORDPRESS_DIVI = Family(
    name="wordpress-divi",
    chamber="house",
    listing_path="/press-releases/",
    article_path="/{slug}/",
    listing_chrome="wordpress",
    article_chrome="wordpress",
    listing='<h1 class="page-title">Press Releases</h1>\n<div class="et_pb_module et_pb_blog_0 '
    'et_pb_blog_grid_wrapper">\n<div class="et_pb_ajax_pagination_container">\n{rows}\n{pager}\n'
    "</div>\n</div>",
    rows=(  # Divi blog module
        '<article id="post-{n}" class="et_pb_post clearfix et_pb_blog_item_0_{i} post-{n} post '
        'type-post status-publish format-standard hentry category-press-releases">\n'
        '<h2 class="entry-title"><a href="{link}">{title}</a></h2>\n'
        '<p class="post-meta"><span class="published">{date.abbr}</span></p>\n'
        '<div class="post-content"><div class="post-content-inner"><p>{teaser}</p></div>'
        '<a href="{link}" class="more-link">read more</a></div>\n</article>\n',
    ),
    pager='<div class="pagination clearfix">{next}</div>',
    next='<div class="alignleft"><a href="{next_href}">&laquo; Older Entries</a></div>',
    page_url="{path}page/{n}/",
    first_page=1,
    past_end="404",
    article=_WP_ARTICLE,
    article_meta_date=True,
    sources={
        "listing": "written (Divi blog module)",
        "article": "written (Divi, entry-content)",
    },
)

_WORDPRESS_ELEMENTOR = Family(
    name="wordpress-elementor",
    chamber="senate",
    listing_path="/newsroom/press-releases/",
    article_path="/newsroom/press-releases/{slug}/",
    listing_chrome="wordpress",
    article_chrome="wordpress",
    listing='<div class="elementor-widget-container">\n<div class="elementor-posts-container '
    'elementor-posts elementor-grid">\n{rows}\n</div>\n{pager}\n</div>',
    rows=(  # sen-warner-press.html: ArticleBlock container, ordinal dates, absolute links
        '<div class="elementor-element elementor-element-65411ff e-con-full ArticleBlock e-flex '
        'e-con e-parent" data-e-type="container" data-element_type="container" data-id="65411ff" '
        'data-particle-mobile-disabled="false" data-particle_enable="false">\n<div '
        'class="elementor-element elementor-element-6189675 elementor-widget '
        'elementor-widget-post-info" data-e-'
        'type="widget" data-element_type="widget" data-id="6189675" data-widget_type="post-info.'
        'default">\n<div class="elementor-widget-container">\n<ul class="elementor-inline-items '
        'elementor-icon-list-items elementor-post-info">\n<li class="elementor-icon-list-item '
        'elementor-repeater-item-899ae17 elementor-inline-item" itemprop="datePublished">\n<span '
        'class="elementor-icon-list-text elementor-post-info__item elementor-post-info__item--type-'
        'date">\n<time>{date.ordinal}</time> </span>\n</li>\n</ul>\n</div>\n</div>\n<div class="'
        'elementor-element elementor-element-c47f053 elementor-widget elementor-widget-heading" '
        'data-e-type="widget" data-element_type="widget" data-id="c47f053" data-widget_type="'
        'heading.default">\n<div class="elementor-widget-container">\n<h3 class="elementor-heading-'
        'title elementor-size-default"><a href="{url}">{title}</a></h3> </div>\n</div>\n\n</div>\n',
        # Elementor Pro posts widget: article.elementor-post + span.elementor-post-date
        '<article class="elementor-post elementor-grid-item post-{n} post type-post '
        'status-publish">\n<div class="elementor-post__text">\n<h3 class="elementor-post__title">'
        '<a href="{url}">{title}</a></h3>\n<div class="elementor-post__meta-data"><span '
        'class="elementor-post-date">{date.long}</span></div>\n<div '
        'class="elementor-post__excerpt"><p>{teaser}</p></div>\n'
        "</div>\n</article>\n",
    ),
    pager='<nav class="elementor-pagination" aria-label="Pagination">{next}</nav>',
    next='<a class="page-numbers next" href="{next_href}">Next &raquo;</a>',
    page_url="{path}page/{n}/",
    first_page=1,
    past_end="404",
    article=_ELEMENTOR_ARTICLE,
    article_meta_date=True,
    sources={
        "listing": "sen-warner-press.html rows (and elementor-post variant written) in WordPress "
        "chrome written",
        "article": "written (Elementor theme-post-content)",
    },
)

_WORDPRESS_JETENGINE = Family(
    name="wordpress-jetengine",
    chamber="senate",
    listing_path="/press-releases/",
    article_path="/press-releases/{slug}/",
    listing_chrome="wordpress",
    article_chrome="wordpress",
    listing='<div class="elementor-widget-container">\n<div class="jet-listing-grid jet-listing">'
    '<div class="jet-listing-grid__items grid-col-desk-1" data-nav="{{&quot;enabled&quot;:false}}"'
    ' data-page="{page1}">\n{rows}</div></div>\n{pager}\n</div>',
    rows=(  # JetEngine listing grid
        '<div class="jet-listing-grid__item jet-listing-dynamic-post-{n}" data-post-id="{n}">'
        '<div class="elementor elementor-1207 e-con-full e-flex e-con"><div class="elementor-'
        'element elementor-widget elementor-widget-jet-listing-dynamic-field"><div '
        'class="elementor-widget-container"><div class="jet-listing '
        'jet-listing-dynamic-field display-inline"><div '
        'class="jet-listing-dynamic-field__inline-wrap"><div class="jet-listing-dynamic-field__'
        'content">{date.long}</div></div></div></div></div><div class="elementor-element elementor-'
        'widget elementor-widget-jet-listing-dynamic-link"><div class="elementor-widget-container">'
        '<div class="jet-listing jet-listing-dynamic-link"><a href="{url}" class="jet-listing-'
        'dynamic-link__link"><span class="jet-listing-dynamic-link__label">{title}</span></a></div>'
        "</div></div></div></div>\n",
    ),
    pager='<div class="jet-filters-pagination">{next}</div>',
    next='<div class="jet-filters-pagination__item prev-next next"><a class="jet-filters-'
    'pagination__link" href="{next_href}">Next</a></div>',
    page_url="{path}?jsf=jet-engine:press-list&pagenum={n}",
    first_page=1,
    past_end="empty",
    article=_ELEMENTOR_ARTICLE,
    article_meta_date=True,
    sources={"listing": "written (JetEngine grid)", "article": "written (Elementor)"},
)

_SENATE_ARTICLEBLOCK = Family(
    name="senate-articleblock",
    chamber="senate",
    listing_path="/newsroom/press-releases",
    article_path="/newsroom/press-releases/{slug}",
    listing_chrome="cowan-listing",
    article_chrome="cowan-article",
    listing='<ul class="PageList">\n{rows}</ul>\n{pager}',
    rows=(  # sen-cruz-press.html: li.PageList__item a.ArticleBlock, mm.dd.yyyy, absolute links
        '<li class="PageList__item mb-5">\n<a class="ArticleBlock" href="{url}" style="display: '
        'block;" target="_self">\n<div class="ArticleBlock__title mb-2">\n<div>\n<p class="Heading '
        'Heading--overline mb-1">{date.dotted}</p>\n</div>\n<div class="Heading--h4">\n<h2 class="'
        'Heading__title ArticleTitle">{title}</h2>\n</div>\n</div>\n\n</a>\n</li>\n',
    ),
    pager='<ul class="pager">\n    {next}\n</ul>',
    next='<li class="next"><a class="btn btn-small" href="{next_href}">next&nbsp;&raquo;</a></li>',
    page_url="{path}?PageNum_rs={n}",
    first_page=1,
    past_end="loop",
    article=(
        '<h1 class="Heading__title">{title}</h1>\n<p class="Heading Heading--overline">'
        '{date.dotted}</p>\n{share}\n<div class="entry-content js-press-release">\n{body}\n'
        "</div>\n{comments}{related}{newsletter}{offices}"
    ),
    sources={
        "listing": "sen-cruz-press.html rows in cowan_press.html chrome (PageNum_rs platform)",
        "article": "cowan_press.html chrome; block written (div.entry-content)",
    },
)

_CF_LISTING = (
    '<!-- InstanceBeginEditable name="pgCopy" -->\n                <h2>Press Releases</h2>\n'
    "{rows}\n{pager}\n\t\t\t\t<!-- InstanceEndEditable -->"
)
_COLDFUSION = Family(
    name="coldfusion",
    chamber="senate",
    listing_path="/public/index.cfm/press-releases",
    article_path="/public/index.cfm/{y}/{m}/{slug}",
    listing_chrome="coldfusion",
    article_chrome="coldfusion",
    listing=_CF_LISTING.replace(
        "{rows}", '<table class="recordList">\n<tbody>\n{rows}</tbody>\n</table>'
    ),
    listing_variants=(_CF_LISTING.replace("{rows}", "<ul>\n{rows}                </ul>"),),
    rows=(
        # Senate ColdFusion platform: table.recordList, td.recordListDate / td.recordListTitle
        '<tr>\n\t<td class="recordListDate">{date.slash_short}</td>\n\t<td class="recordListTitle">'
        '<a href="{link}">{title}</a></td>\n</tr>\n',
        # bill_nelson_press-coldfusion.html: <li><a>title</a>, <em>media release</em>, date
        '\t\t\t\t\t<li><a href="{link}" alt="View: {title}" title="View: {title}">{title}</a>, '
        "<em>media release</em>, {date.long_pad}</li>\n",
    ),
    pager='<div class="pagination">{next}</div>',
    next='<a href="{next_href}">Next &gt;</a>',
    page_url="{path}?page={n}",
    first_page=1,
    past_end="loop",
    article=(
        '<h1 class="main_page_title">{title}</h1>\n<div id="subtitle"><span class="date">'
        '{date.weekday}</span></div>\n{share}\n<div id="news_text">\n{body}\n</div>\n{comments}'
        "{related}{newsletter}{offices}"
    ),
    sources={
        "listing": "bill_nelson_press-coldfusion.html chrome; variant 0 recordList table "
        "written, variant 1 the fixture's own <li> rows",
        "article": "bill_nelson_press-coldfusion.html chrome; block written (div#news_text)",
    },
)

_ELEMENT = Family(
    name="element",
    chamber="senate",
    listing_path="/press-releases",
    article_path="/{y}/{m}/{slug}",
    listing_chrome="vendor",
    article_chrome="vendor",
    listing='<div id="group_listing" class="pagegroup pagegroup_posttypes">\n<div class="section '
    'posttypelayout_list">\n{rows}{pager}\n</div>\n</div>',
    rows=(  # sen-blackburn-press.html: div.element, /YYYY/M/slug, 08/5/2026
        '<div class="element {parity}">\n<a href="{url}">\n<div class="element-inner">\n<div '
        'class="element-body">\n<div class="element-header">\n<span class="element-type">News'
        '</span> <span class="element-datetime">{date.slash_element}</span>\n</div>\n<div '
        'class="element-title">{title}</div>\n</div>\n</div>\n</a>\n</div>\n',
    ),
    pager='<div class="pagination">{next}</div>',
    next='<a class="next" href="{next_href}">Next &raquo;</a>',
    page_url="{path}?page={n}",
    first_page=1,
    past_end="empty",
    article=_VENDOR_ARTICLE,
    article_meta_date=True,
    sources={
        "listing": "sen-blackburn-press.html rows in item_guid.html chrome (same vendor)",
        "article": "item_guid.html",
    },
)

_RSS = Family(
    name="rss",
    chamber="house",
    listing_path="/rss.xml",
    article_path="/media/press-releases/{slug}",
    listing_chrome="evo-listing",
    article_chrome="evo-article",
    article=_EVO_ARTICLE,
    article_meta_date=True,
    feed="rss-drupal",
    feed_path="/rss.xml",
    feed_is_source=True,
    sources={"feed": "ruiz_rss.xml", "article": "item_drupal.html"},
)

_ATOM = Family(
    name="atom",
    chamber="senate",
    listing_path="/feed/atom/",
    article_path="/{y}/{mm}/{dd}/{slug}/",
    listing_chrome="wordpress",
    article_chrome="wordpress",
    article=_WP_ARTICLE,
    article_meta_date=True,
    feed="atom",
    feed_path="/feed/atom/",
    feed_is_source=True,
    sources={
        "feed": "written (WordPress Atom)",
        "article": "written (WordPress entry-content)",
    },
)

_GENERIC = Family(
    name="generic",
    chamber="house",
    listing_path="/newsroom/releases",
    article_path="/newsroom/releases/{n}-{slug}",
    listing_chrome="vitter-listing",
    article_chrome="vitter-article",
    listing='<div class="pr-stack">\n{rows}</div>\n{pager}',
    rows=(  # custom layout: a repeated block with a link and a weekday-prefixed date
        '<div class="pr-block">\n  <div class="pr-when">Posted {date.weekday}</div>\n'
        '  <h4 class="pr-head"><a href="{link}">{title}</a></h4>\n  <div class="pr-blurb">'
        "{teaser}</div>\n</div>\n",
    ),
    pager='<ul class="pager">\n\t{next}\n</ul>',
    next='<li class="next"><a href="{next_href}">next&nbsp;&raquo;</a></li>',
    page_url="{path}?p={n}",
    first_page=1,
    past_end="empty",
    article=(
        '<h1 class="pr-title">{title}</h1>\n<div class="pr-when">{date.weekday}</div>\n{share}\n'
        '<div class="field--name-body">\n{body}\n</div>\n{comments}{related}{newsletter}{offices}'
    ),
    sources={
        "listing": "vitter_press.html chrome; rows written with no known class names",
        "article": "vitter_press.html chrome; block written (div.field--name-body)",
    },
)

# A common vendor article template (issue 6): <article class="post">, h1.title, the date in
# span.month/.day/.year, the text in div.post-body > div.content, and the page heading "Press
# Releases" (under a breadcrumb) in a div.content of the page's own <article> before it, where
# the generic family's "article .content" finds it first. The listing is the generic family's
# row layout.
_VENDOR_POST = Family(
    name="vendor-post",
    chamber="house",
    listing_path="/news/press-releases",
    article_path="/news/press-releases/{slug}",
    listing_chrome="vitter-listing",
    article_chrome="wordpress",
    listing=_GENERIC.listing,
    rows=_GENERIC.rows,
    pager=_GENERIC.pager,
    next=_GENERIC.next,
    page_url=_GENERIC.page_url,
    first_page=1,
    past_end="empty",
    article=(
        '<article class="page type-page">\n<div class="content"><div class="breadcrumb-trail"><a '
        'href="/">Home</a> › <a href="/news">Newsroom</a> › Press Releases</div>\n<h2 '
        'class="page-heading">Press Releases</h2></div>\n<article class="post" id="post-{n}">\n'
        '<div class="post-header">\n'
        '<h1 class="title">{title}</h1>\n<div class="post-date"><span class="month">{date.mon}'
        '</span> <span class="day">{date.dd}</span> <span class="year">{date.yyyy}</span></div>'
        '\n</div>\n{share}\n<div class="post-body">\n<div class="content">\n{body}\n</div>\n'
        "</div>\n{comments}\n</article>\n</article>\n{related}{newsletter}{offices}"
    ),
    sources={
        "listing": "the generic family's rows (vitter_press.html chrome)",
        "article": "written after the vendor template issue 6 describes, in WordPress chrome",
    },
)

FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        _HOUSE_EVO,
        _HOUSE_DOCUMENTQUERY,
        _RECORDLIST,
        _VENDOR_GUID,
        _NEWSCONTENT,
        _MEDIA_DIGEST,
        _WORDPRESS_DIVI,
        _WORDPRESS_ELEMENTOR,
        _WORDPRESS_JETENGINE,
        _SENATE_ARTICLEBLOCK,
        _COLDFUSION,
        _ELEMENT,
        _RSS,
        _ATOM,
        _GENERIC,
        _VENDOR_POST,
    )
}
# The families build_congress cycles through by default. Families added later are opt-in
# (``build_congress(families=[...])``) so existing scenarios keep their sites.
FAMILY_NAMES: list[str] = [name for name in FAMILIES if name != "vendor-post"]

# --------------------------------------------------------------------------------------------
# Pieces shared by every article page: chrome near the body that must never be extracted.

SHARE = (
    '<div class="share-bar social-share" aria-label="Share">\n  <span class="share-label">Share'
    '</span>\n  <a class="share-facebook" href="https://www.facebook.com/sharer/sharer.php?u={url}"'
    ' title="Share on Facebook">f</a>\n  <a class="share-twitter" href="https://twitter.com/intent/'
    'tweet?url={url}" title="Tweet">t</a>\n  <a class="share-hashtag" href="#">#</a>\n  <a class="'
    'share-email" href="mailto:?subject={title}" title="Email">e</a>\n  <a class="share-tweet" '
    'href="https://twitter.com/intent/tweet?url={url}">Tweet</a>\n  <a class="share-mail" href="'
    'mailto:?body={url}">Email</a>\n  <a class="share-print" href="javascript:window.print()">'
    'Print</a>\n  <span class="share-count">{shares}</span>\n</div>'
)
COMMENTS = '<div class="comment-meta"><span class="comments-link">| {count} comments</span></div>'
RELATED = (
    '<aside class="related-releases sidebar"><h3>Related releases</h3><ul>{items}</ul></aside>'
)
RELATED_ITEM = '<li><a href="{link}">{title}</a></li>'
NEWSLETTER = (
    '<div class="newsletter-signup"><h3>Stay Connected</h3><p>Sign up for my newsletter to get '
    'updates from Washington and home.</p><form method="post" action="/newsletter/subscribe">'
    '<input type="hidden" name="csrf_token" value="{csrf}" /><label for="nl-email">Email</label>'
    '<input id="nl-email" type="email" name="email" placeholder="Email address" />'
    '<button type="submit">Subscribe</button></form></div>'
)
OFFICES = (
    '<div class="office-locations"><h3>Office Locations</h3><div class="office"><strong>'
    "Washington, D.C. Office</strong><p>2310 Rayburn House Office Building, Washington, DC 20515"
    '</p><p>Phone: (202) 225-0000</p></div><div class="office"><strong>District Office</strong>'
    "<p>100 Main Street, Suite 200</p><p>Phone: (555) 555-0100</p></div></div>"
)
FOOTER_NOTE = (
    '<form class="footer-search" action="/search" method="get"><input type="hidden" '
    'name="form_token" value="{csrf}" /><input type="text" name="q" aria-label="Search" /></form>'
    '<div class="page-generated" style="display:none">Page generated {stamp}</div>'
)
STYLESHEET = '<link rel="stylesheet" media="all" href="/static/css/site.css?v={version}" />'

# --------------------------------------------------------------------------------------------
# The homepage: our own small layout (the nav is what press-page discovery reads).

HOMEPAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>{name} | {office}</title>
{feed_link}⟦head⟧</head>
<body class="home front">
<header class="site-header">
  <div class="site-title"><a href="/">{office} {name}</a></div>
  <nav class="main-nav" aria-label="Main">
    <ul class="menu">
      <li><a href="/about">About</a></li>
      <li><a href="/services">Services</a></li>
      <li class="menuparent"><a href="/news">News</a>
        <ul class="submenu">
          <li><a href="/media">Media</a></li>
          {press_link}
          <li><a href="/news/in-the-news">In the News</a></li>
          <li><a href="/media/videos">Videos</a></li>
        </ul>
      </li>
      <li><a href="/issues">Issues</a></li>
      <li><a href="/contact">Contact</a></li>
    </ul>
  </nav>
</header>
<main>
  <h1>Welcome</h1>
  <p>Welcome to the official website of {name}, serving the people of {state}.</p>
  <section class="latest-news"><h2>Latest News</h2><ul>{latest}</ul></section>
</main>
<footer class="site-footer"><a href="/privacy">Privacy</a> | <a href="/contact/offices">Office
Locations</a></footer>
⟦tail⟧</body>
</html>
"""

BLOCKED_PAGE = """<HTML><HEAD>
<TITLE>Access Denied</TITLE>
</HEAD><BODY>
<H1>Access Denied</H1>

You don't have permission to access "http&#58;&#47;&#47;{host}&#47;{path}" on this server.<P>
Reference&#32;&#35;18&#46;5d2f3e17&#46;1754900000&#46;1a2b3c4d
</BODY>
</HTML>
"""

NOT_FOUND_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8" /><title>Page not found</title></head>
<body><h1>Page not found</h1><p>The requested page could not be found.</p>
<p><a href="/">Home</a></p></body></html>
"""

# --------------------------------------------------------------------------------------------
# Feeds. Item placeholders: {title} {url} {teaser} {date.rfc822} {date.atom} {guid} {n}.

FEEDS: dict[str, dict[str, str]] = {
    "rss-drupal": {  # ruiz_rss.xml (Drupal 7 views RSS)
        "content_type": "application/rss+xml; charset=utf-8",
        "head": '<?xml version="1.0" encoding="utf-8" ?><rss version="2.0" xml:base="{base}{feed}"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">\n  <channel>\n    <title>{office}  {name}'
        "</title>\n    <link>{base}{feed}</link>\n    <description></description>\n"
        "    <language>en</language>\n",
        "item": "          <item>\n    <title>{title}</title>\n    <link>{url}</link>\n"
        "    <description>{teaser}</description>\n     <pubDate>{date.rfc822}</pubDate>\n"
        ' <dc:creator>{slug}</dc:creator>\n <guid isPermaLink="false">{n} at {base}</guid>\n'
        "  </item>\n",
        "tail": "  </channel>\n</rss>\n",
    },
    "rss-net": {  # rep-trahan-press.xml (RSS.NET, midnight pubDate: the date only)
        "content_type": "application/rss+xml; charset=utf-8",
        "head": "<?xml version='1.0' encoding='utf-8'?>\n<rss version=\"2.0\">\n  <channel>\n"
        "    <title>{name} RSS Articles</title>\n    <description>{name} RSS Articles"
        "</description>\n    <link>{base}/</link>\n    <docs>http://backend.userland.com/rss</docs>\n"
        "    <generator>RSS.NET: http://www.rssdotnet.com/</generator>\n",
        "item": "    <item>\n      <title>{title}</title>\n      <description>&lt;p&gt;{teaser}"
        "&lt;/p&gt;</description>\n      <link>{url}</link>\n      <guid>{url}</guid>\n"
        "      <pubDate>{date.rfc822_midnight}</pubDate>\n    </item>\n",
        "tail": "    </channel>\n</rss>",
    },
    "atom": {  # WordPress /feed/atom/
        "content_type": "application/atom+xml; charset=utf-8",
        "head": '<?xml version="1.0" encoding="UTF-8"?><feed\n  xmlns="http://www.w3.org/2005/Atom"'
        '\n  xml:lang="en-US"\n  xml:base="{base}/wp-atom.php"\n  >\n\t<title type="text">{name}'
        '</title>\n\t<subtitle type="text">United States Senator for {state}</subtitle>\n\n'
        '\t<updated>{updated}</updated>\n\n\t<link rel="alternate" type="text/html" href="'
        '{base}/" />\n\t<id>{base}{feed}</id>\n\t<link rel="self" type="application/atom+xml" '
        'href="{base}{feed}" />\n\n\t<generator uri="https://wordpress.org/" version="6.8.2">'
        "WordPress</generator>\n",
        "item": "\t<entry>\n\t\t<author>\n\t\t\t<name>Press Office</name>\n\t\t</author>\n\n"
        '\t\t<title type="html"><![CDATA[{title_raw}]]></title>\n\t\t<link rel="alternate" '
        'type="text/html" href="{url}" />\n\n\t\t<id>{base}/?p={n}</id>\n\t\t<updated>{date.atom}'
        '</updated>\n\t\t<published>{date.atom}</published>\n\t\t<category scheme="{base}" '
        'term="Press Releases" />\n\t\t<summary type="html"><![CDATA[{teaser_raw}]]></summary>\n'
        "\t</entry>\n",
        "tail": "</feed>\n",
    },
}
