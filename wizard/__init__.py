from . import service_refuse_wizard
from . import service_return_capa_wizard
