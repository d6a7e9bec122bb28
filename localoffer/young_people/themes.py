"""Plain words introducing each preparing-for-adulthood theme to young people."""

THEME_INTROS = {
    "education-and-training": {
        "question": "What can I do after school?",
        "text": "Find out about sixth forms, colleges, courses and training that can help you "
        "learn in a way that suits you.",
    },
    "work": {
        "question": "How do I get a job?",
        "text": "Find help to get ready for work, try a supported internship, or get a job "
        "coach to help you in a job.",
    },
    "living-independently": {
        "question": "How can I do more things for myself?",
        "text": "Find help with travelling on your own, cooking, money, and choosing where you "
        "want to live.",
    },
    "friends-and-community": {
        "question": "Where can I meet people and have fun?",
        "text": "Find youth clubs, sports, groups and volunteering where you can make friends "
        "and have your say.",
    },
    "staying-healthy": {
        "question": "Who can help me stay well?",
        "text": "Find help with your health and your feelings, and with moving from children's "
        "to adult health services.",
    },
}
