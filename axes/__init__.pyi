# The public names of `import axes`, for type checkers; at run time axes/__init__.py loads them on first use.
from .api import Comparison as Comparison
from .api import Verdict as Verdict
from .api import batch as batch
from .api import compare as compare
from .api import inspect as inspect
from .errors import AxesError as AxesError
from .errors import GatedRepo as GatedRepo
from .errors import HubUnreachable as HubUnreachable
from .errors import NotOnHub as NotOnHub
from .errors import RuleError as RuleError
from .errors import TargetNotFound as TargetNotFound
from .types import Failure as Failure

__version__: str
__all__: list[str]
