"""Words that carry no meaning of their own in a family's sentence.

"my son has autism and is struggling at school" is about autism and school: the rest is how
people write. These words are not searched for and not highlighted, unless nothing else was
typed (then the words are searched as they are, and nothing is taken away).
"""

from __future__ import annotations

FILLER_WORDS = frozenset(
    """
    a about above after again all also am an and any anyone anything are around as at be
    because been before being below between both but by can cannot can't cant could couldn't
    did didn't do does doesn't doing don't done down during each either else even ever every
    few for from further get gets getting got had has hasn't have haven't having he he's her
    here hers herself him himself his how however i i'd i'll i'm i've if in into is isn't it
    it's its itself just know let let's like looking look lot lots many may me might mine more
    most much must my myself need needs needed near nearby no nor not now of off often on
    once one only or other our ours ourselves out over own please quite rather really same
    see seem seems she she's should shouldn't so some someone something somewhere still such
    than that that's the their theirs them themselves then there there's these they they're
    this those though through to too trying try under until up upon us very want wants
    wanted was wasn't way we we're we've well were what what's when where whether which while
    who whom whose why will with within without won't would wouldn't yet you you're your
    yours yourself yourselves
    son sons daughter daughters child's kid kids kid's boy boys girl girls grandson
    granddaughter baby's our little
    find finding found struggle struggles struggling struggled cope coping manage managing
    anybody everything everyone thing things stuff sort kind bit
    currently recently already always never sometimes usually
    hi hello thanks thank
    isnt doesnt dont didnt wont cant couldnt wouldnt shouldnt arent wasnt werent hasnt
    havent im ive id ill youre theyre thats whats theres
    feel feels feeling felt so tell told think thought anyone's somebody
    properly proper start starts started starting gets wants wanted going go goes went
    next last new soon later ago since lately today tomorrow yesterday tonight
    morning mornings afternoon evening night nights week weeks month months year's
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    lot lots loads many much more less bit quite really very extremely totally
    say says said saying ask asked asking tells fine ok okay sure left
    two three four five six seven eight nine ten eleven twelve times
    """.split()
)


def is_filler(word: str) -> bool:
    """True for a word that says nothing on its own ("my", "has", "struggling")."""
    return word in FILLER_WORDS
