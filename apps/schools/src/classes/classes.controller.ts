import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiPageResponse,
  Caller,
  CurrentCaller,
  Page,
  Role,
  Roles,
  UseCaseRunner,
} from '@tremplin/platform';
import { DataSource } from 'typeorm';
import { CancelPfmpPeriod } from './cancel-pfmp-period/cancel-pfmp-period';
import { CancelPfmpPeriodDto } from './cancel-pfmp-period/cancel-pfmp-period.dto';
import { ClassView, PfmpPeriodView } from './class.view';
import { getClass, listClasses, ListClassesQuery } from './classes.queries';
import { OpenClass } from './open-class/open-class';
import { OpenClassDto } from './open-class/open-class.dto';
import { ReschedulePfmpPeriod } from './reschedule-pfmp-period/reschedule-pfmp-period';
import { ReschedulePfmpPeriodDto } from './reschedule-pfmp-period/reschedule-pfmp-period.dto';
import { SchedulePfmpPeriod } from './schedule-pfmp-period/schedule-pfmp-period';
import { SchedulePfmpPeriodDto } from './schedule-pfmp-period/schedule-pfmp-period.dto';

/** Who opens classes and sets their PFMP calendar: the school's staff in charge, and admins. */
const CLASS_WRITERS: Role[] = ['admin', 'academy_admin', 'office_manager', 'school_head'];
/** Who reads them; each sees only the rows of their scope. */
const CLASS_READERS: Role[] = [...CLASS_WRITERS, 'teacher', 'service'];

@ApiTags('classes')
@ApiBearerAuth()
@Controller('classes')
export class ClassesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly useCases: UseCaseRunner,
    private readonly openClass: OpenClass,
    private readonly schedulePfmpPeriod: SchedulePfmpPeriod,
    private readonly reschedulePfmpPeriod: ReschedulePfmpPeriod,
    private readonly cancelPfmpPeriod: CancelPfmpPeriod,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: ClassView })
  @Roles(...CLASS_WRITERS)
  open(@Body() dto: OpenClassDto, @CurrentCaller() caller: Caller): Promise<ClassView> {
    return this.useCases.run(this.openClass, dto.toCommand(), caller);
  }

  @Get()
  @ApiPageResponse(ClassView)
  @Roles(...CLASS_READERS)
  list(
    @Query() query: ListClassesQuery,
    @CurrentCaller() caller: Caller,
  ): Promise<Page<ClassView>> {
    return listClasses({ manager: this.dataSource.manager, caller }, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: ClassView })
  @Roles(...CLASS_READERS)
  get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<ClassView> {
    return getClass({ manager: this.dataSource.manager, caller }, id);
  }

  @Post(':id/pfmp-periods')
  @ApiCreatedResponse({ type: PfmpPeriodView })
  @Roles(...CLASS_WRITERS)
  schedule(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: SchedulePfmpPeriodDto,
    @CurrentCaller() caller: Caller,
  ): Promise<PfmpPeriodView> {
    return this.useCases.run(this.schedulePfmpPeriod, dto.toCommand(id), caller);
  }

  @Patch(':id/pfmp-periods/:periodId')
  @ApiOkResponse({ type: PfmpPeriodView, description: 'The period, with its new dates or weeks' })
  @Roles(...CLASS_WRITERS)
  reschedule(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('periodId', new ParseUUIDPipe()) periodId: string,
    @Body() dto: ReschedulePfmpPeriodDto,
    @CurrentCaller() caller: Caller,
  ): Promise<PfmpPeriodView> {
    return this.useCases.run(this.reschedulePfmpPeriod, dto.toCommand(id, periodId), caller);
  }

  @Post(':id/pfmp-periods/:periodId/cancellation')
  @HttpCode(200)
  @ApiOkResponse({ type: PfmpPeriodView, description: 'The period, cancelled (kept, not deleted)' })
  @Roles(...CLASS_WRITERS)
  cancel(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('periodId', new ParseUUIDPipe()) periodId: string,
    @Body() dto: CancelPfmpPeriodDto,
    @CurrentCaller() caller: Caller,
  ): Promise<PfmpPeriodView> {
    return this.useCases.run(this.cancelPfmpPeriod, dto.toCommand(id, periodId), caller);
  }
}
