from . import service_refuse_wizard
