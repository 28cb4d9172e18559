"""The demo's manager toolkits and briefing slides as real Word documents, made at load time
(a few headed sections each, so that the toolkit page's links open something worth reading).
The briefing slides are a Word document too: python-pptx is not installed."""

import io

from docx import Document

# (heading, [paragraph, ...]); a paragraph starting "- " is a bullet.
Sections = tuple[tuple[str, tuple[str, ...]], ...]

INFORMED_TOOLKIT: Sections = (
    (
        "What Trauma Informed means",
        (
            "Trauma Informed is level one of the National Trauma Training Framework: the baseline "
            "for everyone who works in Dundee's public services, whatever their job. It means "
            "knowing that trauma is common, how it can affect the people we work with and our "
            "colleagues, and how to respond in ways that do not cause further harm.",
            "It does not mean asking people about what happened to them. It means working in a "
            "way that offers safety, choice, collaboration, trust and empowerment.",
            "- Realising how common trauma is",
            "- Recognising how it can affect people",
            "- Responding in ways that support recovery",
            "- Resisting re-traumatisation",
            "- Building relationships that help people feel safe",
        ),
    ),
    (
        "Who in your team needs it",
        (
            "Everyone: this includes staff who rarely meet the public, such as administrative, "
            "facilities and support staff, who still answer the phone, write the letters and "
            "greet people at reception.",
            "TIP Tracker shows the level each of your teams needs and who has completed it: open "
            "the staff list and filter by your team.",
        ),
    ),
    (
        "The learning",
        (
            "- Opening Doors: the national animation, for any worker. Watch it together in a team "
            "meeting and talk about it afterwards.",
            "- Sowing Seeds: for staff who work with children and young people (a workshop of "
            "about two hours).",
            "- Becoming Trauma Informed: the recording of Dundee's launch event, in the resource "
            "library.",
        ),
    ),
    (
        "How to release staff",
        (
            "Learning happens in work time, never in people's own time. Agree protected time "
            "with each person, arrange cover for rota-based services, and make sure they have a "
            "quiet space and headphones if they learn online.",
            "Record completions in TIP Tracker (or ask the Trauma Learning and Development Officer "
            "to) so that the partnership can see progress.",
        ),
    ),
    (
        "Looking after your team while they learn",
        (
            "The material can bring up personal experiences. Before anyone starts, tell them what "
            "it covers, that they can pause or stop at any time, and where support is: their "
            "manager, the Employee Assistance Programme and occupational health.",
            "Check in afterwards. Nobody is ever expected to share their own experiences.",
        ),
    ),
    (
        "Embedding the learning in team meetings",
        (
            "- What did you notice in Opening Doors that surprised you?",
            "- Where might our service feel unsafe or confusing for the people who use it?",
            "- What is one small change we could make this month?",
            "- How do we look after each other after a difficult day?",
        ),
    ),
    (
        "Where to get help",
        (
            "The Trauma Learning and Development Officer, the trauma ambassador for your service "
            "and the Trauma Steering Group can all help you plan your team's learning.",
        ),
    ),
)

SKILLED_TOOLKIT: Sections = (
    (
        "What Trauma Skilled means",
        (
            "Trauma Skilled is level two of the National Trauma Training Framework, for staff "
            "who are likely to meet people affected by trauma: housing, social care, health, "
            "education, police and justice services, and the managers who lead them. It builds "
            "on Trauma Informed, so each person should complete level one first.",
        ),
    ),
    (
        "Which learning suits which roles",
        (
            "- Everyone who needs level two: the Turas e-module Developing your trauma skilled "
            "practice (five units and an assessment, one to two hours).",
            "- Staff working with children and young people, in mental health or in substance "
            "use services: the shorter follow-on modules for their area (about ninety minutes "
            "each).",
            "- Teams who learn best together: the partnership's face-to-face and blended sessions, "
            "listed under Sessions in TIP Tracker.",
        ),
    ),
    (
        "Where to find the Turas module",
        (
            "Go to Turas Learn (learn.nes.nhs.scot) and sign in or create a free account: council "
            "and third sector staff can register too. Search for 'Developing your trauma skilled "
            "practice'. Each unit can be completed on its own, so people can learn in short "
            "blocks.",
            "A certificate is issued at the end: ask staff to keep it and make sure the completion "
            "is recorded in TIP Tracker.",
        ),
    ),
    (
        "How to release staff",
        (
            "Plan the release across the quarter rather than all at once. Two hours of protected "
            "time, which may be split unit by unit, is enough for most people. Avoid scheduling "
            "learning straight after a difficult shift or a serious incident, and arrange backfill "
            "for frontline rotas.",
        ),
    ),
    (
        "Questions for supervision",
        (
            "- What from the module has stayed with you?",
            "- Think of a recent contact where someone seemed angry or withdrawn: how might "
            "trauma help to explain it?",
            "- Which of our processes could re-traumatise people, such as repeating their story, "
            "waiting areas or the tone of our letters?",
            "- What helps you stay calm and grounded when a conversation is hard?",
            "- How are you looking after yourself, and what do you need from me?",
        ),
    ),
    (
        "Looking after yourself and your staff",
        (
            "Working with people affected by trauma can affect staff too. Watch for tiredness, "
            "withdrawal or cynicism, offer reflective practice, and remind people of the Employee "
            "Assistance Programme and occupational health. Model it yourself.",
        ),
    ),
    (
        "Next steps",
        (
            "Staff whose roles need level three (Trauma Enhanced) will be offered a bespoke "
            "course being designed with NHS Education for Scotland. Talk to the Trauma Learning "
            "and Development Officer about who in your team may need it.",
        ),
    ),
)

BRIEFING_SLIDES: Sections = (
    (
        "Slide 1: Welcome",
        (
            "Why trauma matters to every service in Dundee, the implementation plan, and what we "
            "ask of managers. Some of today's content may be difficult: look after yourself, and "
            "step out at any time.",
        ),
    ),
    (
        "Slide 2: The implementation plan",
        (
            "- Phase 1: foundations, leadership development and buy-in",
            "- Roll out levels one and two, with feedback and impact tracking",
            "- A bespoke level three course with NHS Education for Scotland",
            "- A professionals with lived experience group",
            "- A network of trauma ambassadors",
        ),
    ),
    (
        "Slide 3: The National Trauma Training Framework",
        (
            "- Level 1, Trauma Informed: the whole workforce",
            "- Level 2, Trauma Skilled: staff likely to meet people affected by trauma",
            "- Level 3, Trauma Enhanced: staff who support people known to be affected",
            "- Level 4, Trauma Specialist: those who deliver specialist trauma therapies",
        ),
    ),
    (
        "Slide 4: What we ask of managers",
        (
            "- Check the level each of your teams needs in TIP Tracker",
            "- Release staff for learning in work time",
            "- Use the manager toolkits in team meetings and supervision",
            "- Look after your team's wellbeing while they learn",
            "- Make sure completions are recorded",
        ),
    ),
    (
        "Slide 5: Support for you",
        (
            "The manager toolkits for levels one and two; the Trauma Learning and Development "
            "Officer, funded by the Scottish Government and working in partnership with the "
            "Women's Rape and Sexual Abuse Centre; and the trauma ambassadors in your service.",
        ),
    ),
    (
        "Slide 6: Questions and next steps",
        (
            "What will you do in the next month? Share one idea with the person next to you, and "
            "tell us what would help you and your team.",
        ),
    ),
)


def word_document(title: str, intro: str, sections: Sections) -> bytes:
    """A .docx with a title, an introduction and a heading per section."""
    document = Document()
    document.core_properties.title = title
    document.core_properties.author = "Dundee Trauma Steering Group"
    document.add_heading(title, level=0)
    document.add_paragraph(intro)
    for heading, paragraphs in sections:
        document.add_heading(heading, level=1)
        for paragraph in paragraphs:
            if paragraph.startswith("- "):
                document.add_paragraph(paragraph[2:], style="List Bullet")
            else:
                document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
