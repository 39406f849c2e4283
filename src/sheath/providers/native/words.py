"""Word lists for random_pet: sheath's own, short, lowercase, ASCII words."""

ADVERBS: tuple[str, ...] = (
    "amply", "boldly", "briskly", "calmly", "cheerily", "cleanly", "closely", "deftly",
    "eagerly", "evenly", "fairly", "firmly", "freely", "gently", "gladly", "gravely",
    "hardly", "highly", "humbly", "jointly", "justly", "keenly", "kindly", "lightly",
    "loosely", "loudly", "mildly", "neatly", "nicely", "openly", "plainly", "politely",
    "promptly", "proudly", "quickly", "quietly", "rapidly", "readily", "richly", "rightly",
    "safely", "sharply", "simply", "slowly", "smoothly", "softly", "solely", "soundly",
    "steadily", "sternly", "strongly", "subtly", "surely", "swiftly", "tenderly", "truly",
    "vastly", "warmly", "widely", "wisely",
)

ADJECTIVES: tuple[str, ...] = (
    "able", "amber", "ample", "azure", "bold", "brave", "brief", "bright", "brisk", "calm",
    "civil", "clean", "clear", "clever", "cosmic", "crisp", "curly", "dapper", "deep", "eager",
    "early", "easy", "exact", "fancy", "fast", "fine", "firm", "fluent", "fond", "frank",
    "fresh", "gentle", "glad", "golden", "grand", "happy", "hardy", "honest", "humble", "ideal",
    "jolly", "keen", "kind", "large", "lively", "loyal", "lucky", "merry", "mighty", "modest",
    "neat", "nimble", "noble", "polite", "prime", "proud", "quick", "quiet", "rapid", "ready",
    "rich", "robust", "rosy", "royal", "rustic", "sacred", "secure", "sharp", "shiny", "silent",
    "simple", "sleek", "smart", "smooth", "solid", "spry", "steady", "sturdy", "sunny", "swift",
    "tidy", "tough", "true", "upbeat", "valid", "vast", "vivid", "warm", "wise", "witty",
)

NAMES: tuple[str, ...] = (
    "alpaca", "badger", "beaver", "bison", "bobcat", "buffalo", "camel", "caribou", "cheetah",
    "chipmunk", "condor", "cougar", "coyote", "crane", "dingo", "dolphin", "donkey", "eagle",
    "egret", "elk", "falcon", "ferret", "finch", "gazelle", "gecko", "gibbon", "giraffe", "gopher",
    "grouse", "hamster", "heron", "hippo", "ibex", "iguana", "impala", "jackal", "jaguar", "koala",
    "lemur", "leopard", "llama", "lynx", "macaw", "magpie", "marmot", "marten", "meerkat", "mink",
    "moose", "narwhal", "newt", "ocelot", "okapi", "orca", "osprey", "otter", "panda", "panther",
    "parrot", "pelican", "penguin", "pigeon", "puffin", "quail", "rabbit", "raccoon", "raven",
    "reindeer", "robin", "salmon", "seal", "shark", "sparrow", "squid", "stork", "swan", "tapir",
    "tiger", "toucan", "trout", "turtle", "viper", "walrus", "weasel", "whale", "wombat", "yak", "zebra",
)
