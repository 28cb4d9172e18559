"""What the demo's courses say about themselves: a description, what people will learn and
how long it takes, as an L&D officer would write them on the course pages (written for the
demo; the durations follow the demo's session times)."""

from tiptracker.demo import data

# code -> (description, learning outcomes one per line, duration in minutes)
DETAILS: dict[str, tuple[str, str, int]] = {
    data.OPENING_DOORS: (
        "A short animation for everyone in the workforce: what trauma and adversity are, how "
        "common they are, and why the way we respond to people matters.",
        "Say what psychological trauma is and how common it is\n"
        "Recognise how trauma can affect the people you work with and your colleagues\n"
        "Describe the five principles of trauma-informed practice",
        30,
    ),
    data.SOWING_SEEDS: (
        "A facilitated session for staff who work with children and young people, built "
        "round the Sowing Seeds animation: how trauma affects children and how adults help.",
        "Recognise how trauma and adversity can affect children and young people\n"
        "Respond in ways that help a child feel safe\n"
        "Know where to find support for the children you work with and for yourself",
        120,
    ),
    data.WEBINAR: (
        "The launch of the partnership's Becoming Trauma Informed materials: why the "
        "partnership is doing this, what is expected of each service and where to start.",
        "Know the partnership's trauma-informed ambition and plan\n"
        "Know which level of the framework your role needs\n"
        "Know how to book the training you need",
        75,
    ),
    data.BRIEFING: (
        "A briefing for managers in every partner organisation on the implementation plan "
        "and the manager toolkit.",
        "Know what the implementation plan asks of your service\n"
        "Use the manager toolkit with your team\n"
        "Support your staff to reach the level they need",
        90,
    ),
    data.SKILLED_MODULE: (
        "The national Trauma Skilled e-module for everyone whose work brings them into "
        "contact with people who may have been affected by trauma.",
        "Recognise the ways trauma can affect people's responses to services\n"
        "Apply the five principles (safety, trust, choice, collaboration, empowerment)\n"
        "Avoid re-traumatising the people you work with\n"
        "Look after your own wellbeing",
        180,
    ),
    data.TOPIC_MODULES[data.CYP]: (
        "Trauma skilled practice applied to work with children, young people and families.",
        "Apply trauma skilled practice with children and young people\n"
        "Work with families in a trauma-informed way",
        90,
    ),
    data.TOPIC_MODULES[data.MH]: (
        "Trauma skilled practice applied in mental health services.",
        "Apply trauma skilled practice in mental health settings\n"
        "Recognise trauma responses in the people you support",
        90,
    ),
    data.TOPIC_MODULES[data.SU]: (
        "Trauma skilled practice applied in substance use services.",
        "Apply trauma skilled practice in substance use services\n"
        "Understand the links between trauma and substance use",
        90,
    ),
    data.STILT: (
        "Scottish Trauma Informed Leaders Training: for senior leaders who shape how their "
        "organisations work, so that systems and services become trauma-informed.",
        "Lead the change to trauma-informed services\n"
        "Review your organisation's policies and systems against the five principles\n"
        "Support staff wellbeing as a leader",
        390,
    ),
    data.SAFETY_STABILISATION: (
        "A day for staff in Trauma Enhanced roles who support people to feel safer and to "
        "manage the effects of trauma, delivered by NHS Tayside Psychology.",
        "Help people understand their trauma responses\n"
        "Teach stabilisation and grounding skills\n"
        "Know when and how to refer to specialist services",
        390,
    ),
    data.PHASED_THERAPY: (
        "Training for psychological therapists in phase-based treatment of complex trauma.",
        "Assess complex trauma\nDeliver phase-based psychological therapy\n"
        "Use supervision to keep practice safe",
        1950,
    ),
}
