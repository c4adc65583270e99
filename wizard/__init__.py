from . import service_refuse_wizard
from . import service_return_capa_wizard
from . import survey_invite
from . import service_review_overview
from . import stock_return_picking
